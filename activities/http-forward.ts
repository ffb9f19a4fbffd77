import type { HttpHandlerConfig } from '../src/config/handlers';
import { headerRecord, rawBody } from '../src/event/body';
import { sign } from '../src/providers/standard-webhooks';
import type { EventDocument } from '../src/store/events';
import type { HandlerContext } from './handler-api';
import { AttemptError, type AttemptSuccess } from './handler-attempt';
import { disposition, retryAfterMs } from './http-outcome';

/**
 * The `http` handler kind: POSTs the original body, byte for byte, to an internal URL, signed with
 * our own Standard Webhooks secret so the destination can verify it came through hookflow.
 */

/** The same for every attempt and redelivery of one event to one handler, so the destination can dedup. */
export function idempotencyKey(event: EventDocument, handler: string): string {
  return `${event._id}:${handler}`;
}

/**
 * The headers of one forward, signed at `nowMs`: the chosen original headers, the handler's own,
 * then the ones hookflow owns (config validation keeps handlers from setting those).
 */
export function forwardHeaders(handler: HttpHandlerConfig, event: EventDocument, body: Buffer, nowMs: number): Headers {
  const original = headerRecord(event);
  const headers = new Headers({ 'user-agent': 'hookflow' });
  for (const name of handler.forwardHeaders) {
    const value = original[name];
    if (value !== undefined) headers.set(name, value);
  }
  for (const [name, value] of Object.entries(handler.headers)) headers.set(name, value);

  const id = idempotencyKey(event, handler.name);
  const timestamp = String(Math.floor(nowMs / 1000));
  headers.set('content-type', original['content-type'] ?? event.contentType);
  headers.set('webhook-id', id);
  headers.set('webhook-timestamp', timestamp);
  headers.set('webhook-signature', sign(handler.secret, id, timestamp, body));
  headers.set('idempotency-key', id);
  return headers;
}

/** One attempt. Throws AttemptError saying whether a retry can help; see http-outcome.ts. */
export async function forwardOverHttp(handler: HttpHandlerConfig, event: EventDocument, ctx: HandlerContext): Promise<AttemptSuccess> {
  const body = rawBody(event);
  let res: Response;
  try {
    res = await fetch(handler.url, {
      method: 'POST',
      headers: forwardHeaders(handler, event, body, Date.now()),
      body,
      signal: ctx.signal,
      redirect: 'manual',
    });
  } catch (err) {
    if (ctx.signal.aborted) throw err; // a timeout or a cancellation: the caller says which
    // The URL stays out of the message: it may carry a token.
    throw new AttemptError(`network error: ${networkReason(err)}`, true);
  }
  // Only the status matters; release the connection without reading the answer.
  await res.body?.cancel().catch(() => {});
  const httpStatus = res.status;
  const verdict = disposition(httpStatus);
  if (verdict === 'delivered') return { httpStatus };
  const delay = verdict === 'retry' ? retryAfterMs(res.headers.get('retry-after'), Date.now()) : undefined;
  throw new AttemptError(`destination answered HTTP ${httpStatus}`, verdict === 'retry', {
    httpStatus,
    ...(delay === undefined ? {} : { retryAfterMs: delay }),
  });
}

/** fetch reports "fetch failed" with the reason (ECONNREFUSED, ...) in `cause`. */
export function networkReason(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return cause instanceof Error ? cause.message : String(cause);
}

import type { HttpHandlerConfig } from '../src/config/handlers';
import { headerRecord, rawBody } from '../src/event/body';
import { postOnce } from '../src/http-post';
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
  const outcome = await postOnce(handler.url, forwardHeaders(handler, event, body, Date.now()), body, ctx.signal);
  if ('networkError' in outcome) throw new AttemptError(`network error: ${outcome.networkError}`, true);
  const httpStatus = outcome.status;
  const verdict = disposition(httpStatus);
  if (verdict === 'delivered') return { httpStatus };
  const delay = verdict === 'retry' ? retryAfterMs(outcome.retryAfter, Date.now()) : undefined;
  throw new AttemptError(`destination answered HTTP ${httpStatus}`, verdict === 'retry', {
    httpStatus,
    ...(delay === undefined ? {} : { retryAfterMs: delay }),
  });
}

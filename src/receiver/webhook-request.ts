import type { Context } from 'koa';
import type { SourceConfig } from '../config/sources';
import { bodyKind, parseBody, UnreadableBody, type BodyKind } from '../event/body';
import type { DeliveryHead } from '../providers/types';
import { ReceiverRefusal } from './refusals';

/** The body's kind from its media type; anything else is a 415 before the body is read. */
export function acceptedBodyKind(mediaType: string): BodyKind {
  const kind = bodyKind(mediaType);
  if (kind) return kind;
  throw new ReceiverRefusal('unsupported_media_type', mediaType ? `Unsupported content type ${mediaType.slice(0, 100)}` : 'Missing content type');
}

/** Koa cuts the Content-Type at `;` but keeps case and spaces: `Application/JSON ` is JSON too. */
export function mediaType(ctx: Context): string {
  return ctx.request.type.trim().toLowerCase();
}

/** What the provider checks before the body is read. */
export function deliveryHead(ctx: Context, source: SourceConfig): DeliveryHead {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  // Behind a proxy the sender signed the public URL, not the one this process sees.
  const url = source.publicUrl ? source.publicUrl + ctx.search : ctx.href;
  return { headers, url, contentType: mediaType(ctx) };
}

/** Parses a verified body. Invalid UTF-8, invalid JSON or a nesting too deep for the parser: 400. */
export function parseDelivery(kind: BodyKind, rawBody: Buffer): unknown {
  try {
    return parseBody(kind, rawBody);
  } catch (err) {
    if (err instanceof UnreadableBody) throw new ReceiverRefusal('invalid_body', err.message);
    throw err;
  }
}

import type { Context } from 'koa';
import type { SourceConfig } from '../config/sources';
import { ReceiverRefusal } from './refusals';
import type { DeliveryHead } from '../providers/types';

export type BodyKind = 'json' | 'form';

/** The media types a webhook body may have; anything else is a 415 before the body is read. */
export function bodyKind(mediaType: string): BodyKind {
  if (mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) return 'json';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  throw new ReceiverRefusal(
    'unsupported_media_type',
    mediaType ? `Unsupported content type ${mediaType.slice(0, 100)}` : 'Missing content type',
  );
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

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a verified body. Invalid UTF-8, invalid JSON or a nesting too deep for the parser: 400. */
export function parseBody(kind: BodyKind, rawBody: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(rawBody);
  } catch {
    throw new ReceiverRefusal('invalid_body', 'Body is not valid UTF-8');
  }
  if (kind === 'form') {
    // A null-prototype object: a parameter named __proto__ is just a key.
    const params: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [key, value] of new URLSearchParams(text)) params[key] = value;
    return params;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ReceiverRefusal('invalid_body', 'Body is not valid JSON');
  }
}

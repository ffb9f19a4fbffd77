import type { EventDocument } from '../store/events';

export type BodyKind = 'json' | 'form';

/** The kind of body a media type holds; undefined for one hookflow does not take. */
export function bodyKind(mediaType: string): BodyKind | undefined {
  if (mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) return 'json';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
}

/** A body that is not what its media type says. Its message is short and safe to show. */
export class UnreadableBody extends Error {
  override readonly name = 'UnreadableBody';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a body: invalid UTF-8, invalid JSON or a nesting too deep for the parser is UnreadableBody. */
export function parseBody(kind: BodyKind, rawBody: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(rawBody);
  } catch {
    throw new UnreadableBody('Body is not valid UTF-8');
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
    throw new UnreadableBody('Body is not valid JSON');
  }
}

/** The raw body as stored, byte for byte. */
export function rawBody(event: EventDocument): Buffer {
  return Buffer.from(event.body.buffer);
}

/** The body parsed as the receiver parsed it before storing it (JSON, or form fields). */
export function parsedBody(event: EventDocument): unknown {
  const kind = bodyKind(event.contentType);
  if (!kind) throw new UnreadableBody(`Stored content type ${event.contentType.slice(0, 100)} is not one hookflow takes`);
  return parseBody(kind, rawBody(event));
}

/**
 * Header names lower-cased, repeated ones joined. Built from a Map: a header named `__proto__`
 * becomes a plain key, never the object's prototype.
 */
export function headerRecord(event: EventDocument): Record<string, string> {
  const headers = new Map<string, string>();
  for (const { name, value } of event.headers) {
    const key = name.toLowerCase();
    const before = headers.get(key);
    headers.set(key, before === undefined ? value : `${before}, ${value}`);
  }
  return Object.fromEntries(headers);
}

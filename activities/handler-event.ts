import { bodyKind, parseBody } from '../src/receiver/webhook-request';
import type { EventDocument } from '../src/store/events';
import type { HandlerEvent } from './handler-api';

/** The raw body as stored, byte for byte. */
export function rawBody(event: EventDocument): Buffer {
  return Buffer.from(event.body.buffer);
}

/** The body parsed as the receiver parsed it before storing it (JSON, or form fields). */
export function parsedBody(event: EventDocument): unknown {
  return parseBody(bodyKind(event.contentType), rawBody(event));
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

export function handlerEvent(event: EventDocument): HandlerEvent {
  return {
    source: event.source,
    eventId: event.eventId,
    eventType: event.eventType,
    body: parsedBody(event),
    headers: headerRecord(event),
    receivedAt: event.receivedAt,
  };
}

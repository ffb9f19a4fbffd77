import { createHash } from 'node:crypto';
import { Binary } from 'mongodb';
import type { NewEvent } from '../../src/store/events';

/** An event as the receiver would store it, of source `s`, for tests that write the store directly. */
export function newEvent(eventId: string, opts: { readonly body?: string; readonly receivedAt?: Date } = {}): NewEvent {
  const body = opts.body ?? `{"id":"${eventId}"}`;
  return {
    source: 's',
    provider: 'standard-webhooks',
    eventId,
    eventType: 'order.created',
    body: new Binary(Buffer.from(body)),
    bodySha256: createHash('sha256').update(body).digest('hex'),
    contentType: 'application/json',
    headers: [],
    receivedAt: opts.receivedAt ?? new Date(),
  };
}

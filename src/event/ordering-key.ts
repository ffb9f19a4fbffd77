import { createHash } from 'node:crypto';
import type { OrderingKeySource } from '../config/routes';
import { readPath } from '../providers/json-path';

/**
 * The longest ordering key used: it is a search attribute value (Keyword) and shown by the CLI. A
 * longer value is no usable key, and the event is processed without ordering.
 */
export const MAX_ORDERING_KEY_LENGTH = 256;

/** What the key is read from: the parsed body and the lower-cased headers. */
export interface KeyedEvent {
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The event's ordering key: a non-empty string, or a finite number written as a string. Anything
 * else (absent, an object, too long) is no key.
 */
export function orderingKeyOf(source: OrderingKeySource, event: KeyedEvent): string | undefined {
  const value = 'field' in source ? readPath(event.body, source.field) : event.headers[source.header];
  const key = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof key !== 'string' || key === '' || key.length > MAX_ORDERING_KEY_LENGTH) return undefined;
  return key;
}

/**
 * The workflow ID of the sequencer of one key of one source. The key is hashed: it may hold any
 * character, up to MAX_ORDERING_KEY_LENGTH of them.
 */
export function sequencerWorkflowId(source: string, key: string): string {
  return `order:${source}:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/sources';
import { CONTROL_CHARACTER } from '../control-characters';
import { readPath } from '../providers/json-path';
import type { WebhookRequest } from '../providers/types';
import { ReceiverRefusal } from './refusals';

export interface ResolvedIdentity {
  readonly eventId: string;
  readonly eventType: string | null;
  /** Where the ID came from, for the logs: the provider's rule, the source's rule, or the body hash. */
  readonly idFrom: 'provider' | 'source' | 'body-sha256';
}

const MAX_EVENT_ID_LENGTH = 200;

/** With the u flag, \p{Cs} matches only unpaired surrogates. */
const LONE_SURROGATE = /\p{Cs}/u;
const UNPRINTABLE = new RegExp(`${CONTROL_CHARACTER.source}|${LONE_SURROGATE.source}`, 'gu');

/**
 * The event ID decides dedup and the workflow ID. A source's own rule wins over the provider's;
 * with neither, the SHA-256 of the raw body stands in, so identical redeliveries still dedup.
 */
export function resolveIdentity(source: SourceConfig, req: WebhookRequest, body: unknown, bodySha256: string): ResolvedIdentity {
  const fromProvider = source.provider.identify(req, body, source.options);
  const eventType = fromProvider.eventType ? printableType(fromProvider.eventType) : null;
  const fromSource = source.eventId && ruleValue(source, req, body);
  if (fromSource) return { eventId: checked(fromSource), eventType, idFrom: 'source' };
  if (fromProvider.eventId) return { eventId: checked(fromProvider.eventId), eventType, idFrom: 'provider' };
  return { eventId: bodySha256, eventType, idFrom: 'body-sha256' };
}

function ruleValue(source: SourceConfig, req: WebhookRequest, body: unknown): string | undefined {
  const rule = source.eventId;
  if (!rule) return undefined;
  if ('header' in rule) return req.headers[rule.header] || undefined;
  const value = readPath(body, rule.field);
  if (typeof value === 'string' && value) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/** IDs end up in workflow IDs, URLs and logs: printable and bounded, or the delivery is refused. */
function checked(eventId: string): string {
  if (eventId.length > MAX_EVENT_ID_LENGTH) throw new ReceiverRefusal('invalid_body', 'Event ID too long');
  if (CONTROL_CHARACTER.test(eventId)) throw new ReceiverRefusal('invalid_body', 'Event ID has control characters');
  // A lone surrogate (JSON allows "\ud800") is stored by MongoDB as U+FFFD and refused by Temporal, so
  // two different IDs would collide and the acknowledged workflow ID would never exist.
  if (LONE_SURROGATE.test(eventId)) throw new ReceiverRefusal('invalid_body', 'Event ID is not well-formed Unicode');
  return eventId;
}

/**
 * The type only routes and labels the event, so it is cleaned rather than refused: control characters
 * and lone surrogates removed, then cut to the ID's length bound (never between the halves of a
 * pair). Null when nothing is left.
 */
function printableType(type: string): string | null {
  const cut = type.replace(UNPRINTABLE, '').slice(0, MAX_EVENT_ID_LENGTH).replace(UNPRINTABLE, '');
  return cut === '' ? null : cut;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

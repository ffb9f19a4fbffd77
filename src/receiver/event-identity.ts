import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/sources';
import { readPath } from '../providers/json-path';
import { WebhookRejection } from '../providers/rejection';
import type { WebhookRequest } from '../providers/types';

export interface ResolvedIdentity {
  readonly eventId: string;
  readonly eventType: string | null;
  /** Where the ID came from, for the logs: the provider's rule, the source's rule, or the body hash. */
  readonly idFrom: 'provider' | 'source' | 'body-sha256';
}

const MAX_EVENT_ID_LENGTH = 200;

/**
 * The event ID decides dedup and the workflow ID. A source's own rule wins over the provider's;
 * with neither, the SHA-256 of the raw body stands in, so identical redeliveries still dedup.
 */
export function resolveIdentity(source: SourceConfig, req: WebhookRequest, body: unknown, bodySha256: string): ResolvedIdentity {
  const fromProvider = source.provider.identify(req, body, source.options);
  const eventType = fromProvider.eventType ? fromProvider.eventType.slice(0, MAX_EVENT_ID_LENGTH) : null;
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
  if (eventId.length > MAX_EVENT_ID_LENGTH) throw new WebhookRejection('invalid_body', 'Event ID too long');
  if (/[\u0000-\u001f\u007f]/.test(eventId)) throw new WebhookRejection('invalid_body', 'Event ID has control characters');
  // A lone surrogate (JSON allows "\ud800") is stored by MongoDB as U+FFFD and refused by Temporal, so
  // two different IDs would collide and the acknowledged workflow ID would never exist. With the u
  // flag, \p{Cs} matches only unpaired surrogates.
  if (/\p{Cs}/u.test(eventId)) throw new WebhookRejection('invalid_body', 'Event ID is not well-formed Unicode');
  return eventId;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

import { signedParams } from '../providers/twilio';
import type { Provider } from '../providers/types';
import { bodyKeyId, type BodyKeyDocument } from '../store/body-keys';
import { eventKey } from '../event/key';
import type { EventDocument, EventStore } from '../store/events';
import { sha256Hex } from './event-identity';

/*
 * Dedup by body, for sources whose signature does not cover the event ID (GitHub, Shopify, Twilio,
 * Linear, a source's `eventId: { header }` rule): there, anyone holding one signed delivery could
 * resend it under a fresh ID header, or another event-type header, and have it processed again.
 * The first delivery of a body claims it in `body_keys` (unique `_id`), and the body keeps the
 * identity it was first received under, whatever ID or type a later copy carries.
 */

const FORM = 'application/x-www-form-urlencoded';

/**
 * What makes two bodies the same: their bytes, or for a provider that signs form parameters rather
 * than bytes, the parameter string it signs, so any copy that verifies with the same signature
 * (parameters reordered, repeated, encoded otherwise, or split differently) is the same body too.
 */
export function bodyDigest(provider: Provider<unknown>, contentType: string, rawBody: Buffer): string {
  if (!provider.signsFormParameters || contentType !== FORM) return sha256Hex(rawBody);
  return sha256Hex(Buffer.from(signedParams(rawBody), 'utf8'));
}

export function storedBodyDigest(provider: Provider<unknown>, event: EventDocument): string {
  return bodyDigest(provider, event.contentType, Buffer.from(event.body.buffer));
}

export interface ClaimedIdentity {
  readonly eventId: string;
  readonly eventType: string | null;
}

export type BodyClaim =
  /** Store the event under this identity: the delivery's own, or the one the body was first received under. */
  | ({ readonly kind: 'store'; readonly keyId: string } & ClaimedIdentity)
  /** The body is an event already received. */
  | { readonly kind: 'duplicate'; readonly original: OriginalEvent };

/** What a duplicate answer names. */
export type OriginalEvent = Pick<EventDocument, '_id' | 'eventId'>;

/** A claim only loses a round to a release of a leftover key; more than a few in a row would be a bug. */
const MAX_ROUNDS = 3;

/**
 * Claims the body for `identity`, or finds who holds it. A body whose key exists but whose event
 * was never stored (its first delivery's event insert failed, or is still under way) is stored
 * under the key's identity: never unprocessable, never a second event. One whose event was stored
 * and has since been removed by retention stays a duplicate. A key naming an event with another
 * body is a leftover of a delivery refused as an ID conflict: it is released and claimed again.
 */
export async function claimBody(
  store: EventStore,
  provider: Provider<unknown>,
  source: string,
  digest: string,
  identity: ClaimedIdentity,
  receivedAt: Date,
): Promise<BodyClaim> {
  const key: BodyKeyDocument = {
    _id: bodyKeyId(source, digest),
    eventRef: eventKey(source, identity.eventId),
    eventId: identity.eventId,
    eventType: identity.eventType,
    receivedAt,
  };
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const holder = await store.bodyKeys.claim(key);
    const original = holder === key ? null : await store.get(holder.eventRef);
    if (original) {
      if (storedBodyDigest(provider, original) === digest) return { kind: 'duplicate', original };
      await store.bodyKeys.release(holder._id, holder.eventRef);
      continue;
    }
    if (holder.eventStored) return { kind: 'duplicate', original: { _id: holder.eventRef, eventId: holder.eventId } };
    return { kind: 'store', keyId: key._id, eventId: holder.eventId, eventType: holder.eventType };
  }
  throw new Error(`body key ${key._id} kept naming events with other bodies`);
}

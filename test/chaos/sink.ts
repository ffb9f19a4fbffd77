import type { DeliveredRequest, Reply } from '../helpers/destination';

/**
 * What the chaos run's destination (a test Destination) does with the forwards: an internal service
 * that applies each event's effect once, deduplicating by the Idempotency-Key header as hookflow
 * asks destinations to, and refuses (400) a request without a valid signature or a key.
 */
export class IdempotentSink {
  /** Idempotency key → the body whose effect was applied. */
  readonly applied = new Map<string, Buffer>();
  /** Requests whose key had already been applied: answered 200, not applied again. */
  duplicatesSuppressed = 0;
  /** Requests without a valid Standard Webhooks signature or without a key. */
  refused = 0;

  readonly reply = (_index: number, request: DeliveredRequest): Reply => {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || !request.verified) {
      this.refused++;
      return { status: 400 };
    }
    if (this.applied.has(key)) this.duplicatesSuppressed++;
    else this.applied.set(key, request.body);
    return { status: 200 };
  };
}

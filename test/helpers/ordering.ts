/**
 * What the ordering tests share: a destination that notes, per ordering key, which events it was
 * given and whether two of one key were ever in flight at once; the receipt order hookflow stored;
 * and senders of keyed events.
 */
import { randomBytes } from 'node:crypto';
import type { Behaviour, DeliveredRequest, Destination } from './destination';
import type { TestHookflow } from './hookflow';
import { forwardingTo, shopHookflow } from './processing';
import { sendEvent, type SentEvent } from './send-event';
import { standardSecret } from './signed-event';

export const SOURCE_SECRET = standardSecret('ordering-source');
export const FORWARD_SECRET = standardSecret('ordering-forward');
/** Each forward is answered this long after it arrives, so that forwards of different keys overlap. */
export const HANDLER_MS = 150;

const RUN = randomBytes(4).toString('hex');
/**
 * `name` made unique to this test run: sequencer workflow IDs depend on the source and the key
 * only, and the suite's Temporal namespace outlives the run.
 */
export function runKey(name: string): string {
  return `${name}-${RUN}`;
}

export interface KeyedEvent {
  readonly key: string;
  readonly seq: number;
}

/**
 * A destination that answers 200 after HANDLER_MS (or 500 for events marked `fail`) and notes
 * which keys have a forward in flight: no key may ever have two, and different keys should.
 */
export class KeyedHandler {
  readonly inFlight = new Map<string, number>();
  /** Per key, the sequence numbers answered 200, in the order they arrived (an event forwarded twice is there twice). */
  readonly delivered = new Map<string, number[]>();
  sameKeyOverlaps = 0;
  crossKeyOverlaps = 0;
  failMarked = true;

  behaviour(): Behaviour {
    return (_index, request) => {
      const { key, seq, fail } = payloadOf(request);
      if (fail && this.failMarked) return { status: 500 };
      const running = this.inFlight.get(key) ?? 0;
      if (running > 0) this.sameKeyOverlaps += 1;
      if ([...this.inFlight.entries()].some(([other, n]) => other !== key && n > 0)) this.crossKeyOverlaps += 1;
      this.inFlight.set(key, running + 1);
      this.delivered.set(key, [...(this.delivered.get(key) ?? []), seq]);
      // Set before the destination's own reply timer, with the same delay: it fires first.
      setTimeout(() => this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1), HANDLER_MS);
      return { status: 200, delayMs: HANDLER_MS };
    };
  }
}

function payloadOf(request: DeliveredRequest): { key: string; seq: number; fail: boolean } {
  const body = JSON.parse(request.body.toString('utf8')) as { data: { customer: string; seq: number; fail?: boolean } };
  return { key: body.data.customer, seq: body.data.seq, fail: body.data.fail === true };
}

/**
 * The deliveries of one key with each run of repeats folded into one: an event forwarded again
 * right after itself (its worker was killed before it could record the answer) counts once. A
 * repeat after a later event has started is not folded, and breaks the comparison with the receipt order.
 */
export function foldRepeats(seqs: readonly number[]): number[] {
  return seqs.filter((seq, i) => i === 0 || seqs[i - 1] !== seq);
}

/** Per key, the sequence numbers in the order hookflow received the events (stored receivedAt, ties by ID). */
export async function receiptOrderPerKey(hookflow: Pick<TestHookflow, 'store'>): Promise<Map<string, number[]>> {
  const stored = await hookflow.store.collection.find({}).sort({ receivedAt: 1, _id: 1 }).toArray();
  const perKey = new Map<string, number[]>();
  for (const event of stored) {
    if (event.status === 'expired') continue;
    const body = JSON.parse(Buffer.from(event.body.buffer).toString('utf8')) as { data: { customer: string; seq: number } };
    perKey.set(body.data.customer, [...(perKey.get(body.data.customer) ?? []), body.data.seq]);
  }
  return perKey;
}

/** Sends the events from `clients` concurrent senders, each taking the next event of the list. */
export async function sendConcurrently(
  hookflow: Pick<TestHookflow, 'url'>,
  events: readonly KeyedEvent[],
  clients: number,
  extra: (e: KeyedEvent) => object = () => ({}),
  type = 'customer.updated',
): Promise<SentEvent[]> {
  const sent: SentEvent[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < events.length; i = next++) {
        const e = events[i]!;
        sent.push(await sendEvent(hookflow.url, 'shop', SOURCE_SECRET, { type, data: { customer: e.key, seq: e.seq, ...extra(e) } }));
      }
    }),
  );
  return sent;
}

/** `perKey` events of each key, the keys interleaved: k0 #0, k1 #0, ..., k0 #1, ... */
export function interleaved(keys: readonly string[], perKey: number): KeyedEvent[] {
  return Array.from({ length: perKey }, (_, seq) => keys.map((key) => ({ key, seq }))).flat();
}

/**
 * Source `shop`: `customer.*` events ordered by `data.customer` (10 s reorder window: the suite on
 * two cores may take seconds to start a run), `account.*` the same with onFailure skip, `order.*`
 * with the default reorder window; all forwarded to `destination`.
 */
export function orderedConfig(destination: Destination): ReturnType<typeof shopHookflow> {
  const key = { field: 'data.customer' };
  return shopHookflow(
    SOURCE_SECRET,
    [
      { match: { type: 'customer.*' }, handlers: ['apply'], ordering: { key, reorderWindow: '10s' } },
      { match: { type: 'account.*' }, handlers: ['apply'], ordering: { key, reorderWindow: '10s', onFailure: 'skip' } },
      { match: { type: 'order.*' }, handlers: ['apply'], ordering: { key } },
    ],
    { apply: forwardingTo(destination, FORWARD_SECRET) },
  );
}

/** Events of keys starting with `keyPrefix` that ended `processed`. */
export async function countProcessed(hookflow: Pick<TestHookflow, 'store'>, keyPrefix: string): Promise<number> {
  return hookflow.store.collection.countDocuments({ status: 'processed', orderingKey: { $regex: `^${keyPrefix}` } });
}

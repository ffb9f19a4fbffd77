/**
 * The size of the events collection, which every phase reports: an unpatched FerretDB 1.24 reads
 * the whole collection for a lookup by `_id` (see dev/embedded/install-ferretdb.ts), and still does
 * for the relay's scan, so the size can slow things down. Each phase starts from an empty
 * collection so levels compare; one phase starts from a filled one to show the effect.
 */
import type { EventDocument, EventStore } from '../src/store/events';
import type { Delivery } from './deliveries';
import { floorEvent } from './floor-job';
import { round } from './stats';

/**
 * Removes every event (keeping the collection and its indexes, which the receiver created). The
 * worker may still be finishing the previous phase's runs, and FerretDB then sometimes answers
 * SQLITE_BUSY ("database is locked") to a large delete: try a few times before giving up.
 */
export async function emptyStore(store: EventStore): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.collection.deleteMany({});
      return;
    } catch (err) {
      if (attempt >= 5 || !/SQLITE_BUSY|database is locked/.test(String(err))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

/** Stores `count` finished events, as weeks of traffic would leave them. */
export async function fillStore(store: EventStore, deliveries: readonly Delivery[]): Promise<void> {
  const at = new Date(Date.now() - 24 * 3600_000);
  const docs: EventDocument[] = deliveries.map((d) => ({
    ...floorEvent(d),
    _id: `${d.source}:${d.eventId}`,
    receivedAt: at,
    status: 'processed',
    statusHistory: [
      { status: 'received', at },
      { status: 'processed', at },
    ],
    runId: null,
  }));
  for (let i = 0; i < docs.length; i += 500) await store.collection.insertMany(docs.slice(i, i + 500));
}

export interface StoreSize {
  readonly storedEvents: number;
  /** Median time of a lookup by `_id` (of an absent event) at that size, ms. */
  readonly lookupMs: number;
}

export async function measureStore(store: EventStore): Promise<StoreSize> {
  const storedEvents = await store.collection.estimatedDocumentCount();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await store.get(`bench:absent-${i}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { storedEvents, lookupMs: round(times[1] ?? Number.NaN) };
}

import type { Logger } from '../logger';
import { FINISHED_STATUSES } from '../event/status';
import type { EventDocument, EventStore, ExpiredEventDocument } from './events';

const BATCH = 500;

/** What an event loses when it expires: every field ExpiredEventDocument does not keep (the compiler checks the list). */
const DROPPED_FIELDS: Readonly<Record<Exclude<keyof EventDocument, keyof ExpiredEventDocument>, ''>> = {
  body: '',
  headers: '',
  statusHistory: '',
  contentType: '',
};

/**
 * Expires finished events received before `cutoff`, a batch at a time; returns how many. Each is
 * replaced in place, under the same `_id`, by an ExpiredEventDocument: the body, headers and
 * history go, the key and body hash stay, so a redelivery still meets the insert's duplicate key
 * and is answered as a duplicate (or a conflict) for ever, at no cost to the insert. The event's
 * handler attempts are deleted first, so a sweep cut short leaves no orphans.
 */
export async function sweepFinishedEvents(store: EventStore, cutoff: Date, now = new Date()): Promise<number> {
  const filter = { status: { $in: [...FINISHED_STATUSES] }, receivedAt: { $lt: cutoff } };
  let expired = 0;
  for (;;) {
    const ids = (await store.collection.find(filter, { projection: { _id: 1 } }).limit(BATCH).toArray()).map((d) => d._id);
    if (ids.length === 0) return expired;
    await store.attempts.deleteMany({ eventRef: { $in: ids } });
    // The status is checked again: an operator may have replayed one of them meanwhile. Otherwise
    // only retention writes a finished event, so no concurrent update of it can be lost.
    const res = await store.collection.updateMany(
      { _id: { $in: ids }, ...filter },
      {
        $set: { status: 'expired', expiredAt: now },
        $unset: DROPPED_FIELDS,
      },
    );
    expired += res.modifiedCount;
  }
}

/**
 * Runs the sweep periodically. A sweep rather than a TTL index: FerretDB has no TTL indexes, a TTL
 * index could not spare in-progress events, and it would delete the key that dedup needs. Sweeps
 * from several processes at once are harmless: each expires what the others have not.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly retentionMs: number,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = sweepFinishedEvents(this.store, new Date(Date.now() - this.retentionMs))
        .then((expired) => expired > 0 && this.logger.info({ expired }, 'retention sweep expired finished events'))
        .catch((err: unknown) => this.logger.warn({ err: { name: (err as Error).name } }, 'retention sweep failed'))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

import type { Logger } from '../logger';
import type { EventStatus, EventStore } from './events';

/**
 * Statuses whose events are finished with. Everything else is in progress or waits for an
 * operator (`failed`), and is never removed, however old.
 */
export const FINISHED_STATUSES: readonly EventStatus[] = ['processed', 'ignored', 'discarded'];

const BATCH = 500;

/**
 * Deletes finished events received before `cutoff`, with their handler attempts, a batch at a
 * time; returns how many events. Attempts go first, so a sweep cut short leaves no orphans.
 */
export async function sweepFinishedEvents(store: EventStore, cutoff: Date): Promise<number> {
  const filter = { status: { $in: [...FINISHED_STATUSES] }, receivedAt: { $lt: cutoff } };
  let deleted = 0;
  for (;;) {
    const ids = (await store.collection.find(filter, { projection: { _id: 1 } }).limit(BATCH).toArray()).map((d) => d._id);
    if (ids.length === 0) return deleted;
    await store.attempts.deleteMany({ eventRef: { $in: ids } });
    // The status is checked again: an operator may have replayed one of them meanwhile.
    deleted += (await store.collection.deleteMany({ _id: { $in: ids }, ...filter })).deletedCount;
  }
}

/**
 * Runs the sweep periodically. A sweep rather than a TTL index: FerretDB has no TTL indexes, and
 * a TTL index could not spare in-progress events anyway. Sweeps from several processes at once
 * are harmless: each deletes what the others have not.
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
        .then((deleted) => deleted > 0 && this.logger.info({ deleted }, 'retention sweep removed finished events'))
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

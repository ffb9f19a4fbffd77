import type { Logger } from '../logger';
import type { EventStatus, EventStore } from './events';

/**
 * Statuses whose events are finished with. Everything else is in progress or waits for an
 * operator (`failed`), and is never removed, however old.
 */
export const FINISHED_STATUSES: readonly EventStatus[] = ['processed', 'ignored', 'discarded'];

/** Deletes finished events received before `cutoff`; returns how many. */
export async function sweepFinishedEvents(store: EventStore, cutoff: Date): Promise<number> {
  const res = await store.collection.deleteMany({ status: { $in: [...FINISHED_STATUSES] }, receivedAt: { $lt: cutoff } });
  return res.deletedCount;
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

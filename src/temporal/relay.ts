import type { Client } from '@temporalio/client';
import type { Logger } from '../logger';
import type { EventStore } from '../store/events';
import type { PendingStartStore } from '../store/pending-starts';
import { startEventWorkflow } from './start-event';

export interface RelayOptions {
  readonly store: EventStore;
  /** What is still to start: the relay reads this small collection, never a scan of the events. */
  readonly pendingStarts: PendingStartStore;
  /** Events this process's own starter holds: the relay leaves them to it. */
  readonly heldByStarter?: (id: string) => boolean;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly startTimeoutMs: number;
  readonly intervalMs: number;
  readonly logger: Logger;
}

const MAX_BACKOFF_MS = 30_000;
/** Enough for any backlog a worker catches up with; past it the set starts again (a few extra start calls). */
const MAX_REMEMBERED = 100_000;

/**
 * Starts the workflows of pending starts whose lease has passed: those a receiver's starter did not
 * get to (the receiver died, or it is still waiting for Temporal). Every receiver runs one; the
 * workflow ID keeps a start idempotent, so two relays racing for one event still make one run.
 * Once the run exists the pending start is deleted.
 *
 * The relay never writes an event. FerretDB does not isolate concurrent updates of one document,
 * and an event whose lease has expired may already have a run whose worker is about to report:
 * a relay's write (a claim, a "started" mark) could undo the worker's status. So the relay writes
 * only `pending_starts`; an event it finds already started is remembered here and not asked about
 * again. While Temporal fails, the relay backs off in memory, not per event.
 */
export class StartRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;
  private readonly knownStarted = new Set<string>();
  private failures = 0;
  private pausedUntil = 0;

  constructor(private readonly opts: RelayOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Starts every due event, oldest first, until none is left or Temporal fails. Returns how many
   * runs it started; an event whose run already existed counts as done, not as started.
   */
  async drain(): Promise<number> {
    const { store, pendingStarts, temporal, taskQueue, startTimeoutMs, logger } = this.opts;
    if (Date.now() < this.pausedUntil) return 0;
    let started = 0;
    for await (const event of pendingStarts.due(new Date())) {
      if (this.stopped) break;
      if (this.opts.heldByStarter?.(event._id)) continue;
      try {
        // A leftover whose event has moved on (its run reported) or is gone: its run existed. The
        // `_id` lookup also keeps a start from reviving an event Temporal's retention has forgotten.
        const stored = this.knownStarted.has(event._id) ? null : await store.getStored(event._id);
        if (stored?.status === 'received') {
          const result = await startEventWorkflow(temporal, taskQueue, event, startTimeoutMs);
          this.noteStarted(event._id);
          if (!result.alreadyStarted) started++;
        }
        await pendingStarts.remove(event._id);
      } catch (err) {
        this.failures++;
        const backoff = Math.min(1000 * 2 ** Math.min(this.failures - 1, 15), MAX_BACKOFF_MS);
        this.pausedUntil = Date.now() + backoff;
        logger.warn(
          { source: event.source, eventId: event.eventId, workflowId: event._id, failures: this.failures, retryInMs: backoff, err: { name: (err as Error).name } },
          'relay could not start workflow; will retry',
        );
        return started; // Temporal is likely down: wait rather than spin through the backlog.
      }
    }
    this.failures = 0;
    if (started > 0) logger.info({ started }, 'relay started pending workflows');
    return started;
  }

  /**
   * Records a run known to exist (one this relay started or found started): should removing its
   * pending start fail, the next pass does not ask Temporal about it again.
   */
  noteStarted(id: string): void {
    if (this.knownStarted.size >= MAX_REMEMBERED) this.knownStarted.clear();
    this.knownStarted.add(id);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .catch((err: unknown) => {
          this.opts.logger.warn({ err: { name: (err as Error).name } }, 'relay pass failed');
          return 0;
        })
        .finally(() => this.schedule());
    }, this.opts.intervalMs);
  }
}

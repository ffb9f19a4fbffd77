import type { Client } from '@temporalio/client';
import type { Logger } from '../logger';
import type { StartableEvent } from '../store/events';
import type { PendingStartStore } from '../store/pending-starts';
import { startEventWorkflow } from './start-event';

export interface StarterOptions {
  readonly pendingStarts: PendingStartStore;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly startTimeoutMs: number;
  /** Start calls in flight at once. */
  readonly concurrency: number;
  /** Events held in memory at most; past it a recorded start waits for a relay (after its lease). */
  readonly maxQueued: number;
  /** How long a relay leaves a pending start to the starter of the receiver that recorded it. */
  readonly leaseMs: number;
  /** How often the backlog is counted again in `pending_starts` (all receivers' together). */
  readonly recountMs: number;
  readonly logger: Logger;
  /**
   * Whether the receiver is answering a burst now: then starts wait, so that its acknowledgements
   * do not share the CPU, the store and Temporal with them. Never waits when absent.
   */
  readonly busy?: () => boolean;
  /** How long a start waits at most for `busy` to pass (default YIELD_MAX_MS). */
  readonly yieldMaxMs?: number;
}

/** An event to start, and when it was queued here. */
interface Queued {
  readonly event: StartableEvent;
  readonly queuedAt: number;
}

const MAX_BACKOFF_MS = 10_000;
/**
 * A start waits for a burst's answers this long at most: the backlog then keeps moving however long
 * the burst lasts, and a start is late by this much at worst.
 */
const YIELD_MAX_MS = 1000;
/** How often a start waiting for the receiver looks again. */
const YIELD_POLL_MS = 10;

/**
 * Starts the workflows of the events this receiver stored, after their answer: oldest first, a
 * bounded number at a time, pausing all starts (not retrying each) while Temporal fails. A start is
 * idempotent through the workflow ID (see startEventWorkflow), so a relay or a redelivery racing
 * this starter still makes one run. Once the run exists its pending start is deleted, with those of
 * the starts done meanwhile in one delete (a process dying before that leaves leftovers the relay
 * finds already started); this class never writes the event itself (the workflow is its only
 * writer once started).
 *
 * While the receiver answers a burst (`busy`), starts wait, each for `yieldMaxMs` at most: the
 * answer is what a provider waits for, and a start can be done a moment later at no risk, since
 * its pending start is stored. With few deliveries in progress, nothing waits.
 */
export class EventStarter {
  private readonly queue: Queued[] = [];
  /** Queued or in flight here. */
  private readonly held = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private failures = 0;
  private pausedUntil = 0;
  private resumeTimer: NodeJS.Timeout | undefined;
  private yieldTimer: NodeJS.Timeout | undefined;
  private recountTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Pending starts of all receivers: the last count, moved by what this process recorded and removed since. */
  private counted = 0;

  constructor(private readonly opts: StarterOptions) {}

  /** Counts the stored backlog now and then from here on (start-up: what others left behind counts too). */
  start(): void {
    this.stopped = false;
    void this.recount();
  }

  /** Stops taking new starts and waits for those in flight; what is queued stays in `pending_starts`. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.resumeTimer);
    clearTimeout(this.yieldTimer);
    this.yieldTimer = undefined;
    clearTimeout(this.recountTimer);
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Records that the stored `event` is still to start (unless that is recorded already) and, when
   * this call recorded it, queues its start here. Called after the event's insert, and again on a
   * redelivery of an event still `received`: a receiver that died between the two writes left no
   * pending start, and the redelivery is what puts it back. Throws when the store fails: then the
   * delivery is not acknowledged, and its sender retries.
   */
  async submit(event: StartableEvent, now: Date): Promise<void> {
    const recorded = await this.opts.pendingStarts.ensure(event, new Date(now.getTime() + this.opts.leaseMs));
    if (!recorded) return;
    this.counted++;
    if (this.stopped || this.queue.length >= this.opts.maxQueued || this.held.has(event._id)) return;
    this.held.add(event._id);
    this.queue.push({ event, queuedAt: Date.now() });
    this.pump();
  }

  /** Whether this starter holds the event (queued or starting): a relay in this process leaves it alone. */
  holds(id: string): boolean {
    return this.held.has(id);
  }

  /** Events stored but not started yet, across receivers: cheap, read on every delivery. */
  backlog(): number {
    return Math.max(this.counted, this.held.size);
  }

  private pump(): void {
    const pausedFor = this.pausedUntil - Date.now();
    if (pausedFor > 0) {
      // A timer may fire a millisecond early: always leave one set for the end of the pause.
      clearTimeout(this.resumeTimer);
      if (!this.stopped) this.resumeTimer = setTimeout(() => this.pump(), pausedFor + 1);
      return;
    }
    if (this.yieldsToReceiver()) {
      if (!this.stopped && this.yieldTimer === undefined) {
        this.yieldTimer = setTimeout(() => {
          this.yieldTimer = undefined;
          this.pump();
        }, YIELD_POLL_MS);
      }
      return;
    }
    while (!this.stopped && this.inFlight.size < this.opts.concurrency) {
      const queued = this.queue.shift();
      if (!queued) return;
      const run = this.startOne(queued).finally(() => {
        this.inFlight.delete(run);
        this.pump();
      });
      this.inFlight.add(run);
    }
  }

  /** The receiver is busy and the oldest start has not waited its longest yet. */
  private yieldsToReceiver(): boolean {
    const oldest = this.queue[0];
    if (!oldest || !this.opts.busy?.()) return false;
    return Date.now() - oldest.queuedAt < (this.opts.yieldMaxMs ?? YIELD_MAX_MS);
  }

  private async startOne(queued: Queued): Promise<void> {
    const { pendingStarts, temporal, taskQueue, startTimeoutMs, logger } = this.opts;
    const { event } = queued;
    try {
      await startEventWorkflow(temporal, taskQueue, event, startTimeoutMs);
    } catch (err) {
      // Temporal is down or slow: put it back first in line and pause every start for a while.
      this.queue.unshift(queued);
      // Starts that were in flight together fail together: one pause for them all.
      if (Date.now() < this.pausedUntil) return;
      this.failures++;
      const backoff = Math.min(500 * 2 ** Math.min(this.failures - 1, 10), MAX_BACKOFF_MS);
      this.pausedUntil = Date.now() + backoff;
      logger.warn(
        { source: event.source, eventId: event.eventId, failures: this.failures, retryInMs: backoff, err: { name: (err as Error).name } },
        'could not start workflow; will retry',
      );
      return;
    }
    this.failures = 0;
    this.held.delete(event._id);
    try {
      await pendingStarts.remove(event._id);
      this.counted = Math.max(0, this.counted - 1);
    } catch (err) {
      // The run exists; a relay finds the leftover, sees the run already started, and removes it.
      logger.warn({ eventId: event.eventId, err: { name: (err as Error).name } }, 'could not remove a pending start');
    }
  }

  private async recount(): Promise<void> {
    try {
      this.counted = await this.opts.pendingStarts.count();
    } catch (err) {
      this.opts.logger.debug({ err: { name: (err as Error).name } }, 'could not count pending starts');
    }
    if (!this.stopped) this.recountTimer = setTimeout(() => void this.recount(), this.opts.recountMs);
  }
}

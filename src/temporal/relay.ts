import type { Client } from '@temporalio/client';
import type { Logger } from '../logger';
import type { EventStore } from '../store/events';
import { startEventWorkflow } from './start-event';

export interface RelayOptions {
  readonly store: EventStore;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly startTimeoutMs: number;
  readonly intervalMs: number;
  readonly logger: Logger;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Starts the workflows of stored events that the receiver could not start (Temporal down or slow,
 * or the receiver died between storing and starting). Every receiver runs one: claims in MongoDB
 * keep two relays off the same event, and the workflow ID keeps a start idempotent anyway.
 */
export class StartRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

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
   * runs it started; an event another relay had already started counts as done, not as started.
   */
  async drain(): Promise<number> {
    const { store, temporal, taskQueue, startTimeoutMs, logger } = this.opts;
    let started = 0;
    while (!this.stopped) {
      const now = new Date();
      const event = await store.claimForStart(now, startTimeoutMs + 5000);
      if (!event) break;
      try {
        const result = await startEventWorkflow(temporal, taskQueue, event, startTimeoutMs);
        // A run that already existed and has not reported for a whole lease: stop claiming it.
        // After a new start the claim's lease suffices and the workflow writes next (see receive-webhook.ts).
        if (result.alreadyStarted) await store.markStarted(event._id, new Date());
        else started++;
      } catch (err) {
        const backoff = Math.min(1000 * 2 ** Math.min(event.startAttempts, 15), MAX_BACKOFF_MS);
        await store.deferStart(event._id, new Date(Date.now() + backoff));
        logger.warn(
          {
            source: event.source,
            eventId: event.eventId,
            workflowId: event.workflowId,
            attempts: event.startAttempts,
            err: { name: (err as Error).name },
          },
          'relay could not start workflow; will retry',
        );
        break; // Temporal is likely down: wait for the next tick rather than spin through the backlog.
      }
    }
    if (started > 0) logger.info({ started }, 'relay started pending workflows');
    return started;
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

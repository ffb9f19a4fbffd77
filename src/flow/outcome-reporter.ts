import type { Client } from '@temporalio/client';
import type { BreakerSettings } from '../config/handlers';
import type { Logger } from '../logger';
import type { OutcomeBatch } from '../../workflows/breaker';
import { outcomesSignal } from '../../workflows/definitions';
import { handlerBreaker } from '../../workflows/handler-breaker';
import { handlerBreakerWorkflowId } from './handler-queues';

/** How often a worker reports each handler's outcomes to its breaker (when there is anything to report). */
export const REPORT_INTERVAL_MS = 1000;

interface Counting {
  succeeded: number;
  failed: number;
  trailingFailures: number;
}

/**
 * Counts the attempt outcomes of handlers with a circuit breaker in this worker, and reports them to
 * each handler's breaker workflow once a second, as one signal per handler (signal-with-start): one
 * owner counts, and the workers never send one signal per attempt. A report that fails is dropped: a
 * breaker reacts to the next ones.
 */
export class OutcomeReporter {
  private readonly counts = new Map<string, Counting>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Client,
    private readonly eventQueue: string,
    private readonly breakers: ReadonlyMap<string, BreakerSettings>,
    private readonly logger: Logger,
  ) {}

  record(handler: string, succeeded: boolean): void {
    if (!this.breakers.has(handler)) return;
    const c = this.counts.get(handler) ?? { succeeded: 0, failed: 0, trailingFailures: 0 };
    this.counts.set(handler, c);
    if (succeeded) {
      c.succeeded += 1;
      c.trailingFailures = 0;
    } else {
      c.failed += 1;
      c.trailingFailures += 1;
    }
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.flushing = this.flushing.then(() => this.flush());
    }, REPORT_INTERVAL_MS);
  }

  /** Stops the timer and sends what is counted. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  private async flush(): Promise<void> {
    const batches = [...this.counts];
    this.counts.clear();
    await Promise.all(batches.map(([handler, batch]) => this.report(handler, batch)));
  }

  private async report(handler: string, batch: OutcomeBatch): Promise<void> {
    const settings = this.breakers.get(handler);
    if (!settings) return;
    try {
      await this.client.workflow.signalWithStart(handlerBreaker, {
        workflowId: handlerBreakerWorkflowId(this.eventQueue, handler),
        taskQueue: this.eventQueue,
        args: [{ handler, settings }],
        signal: outcomesSignal,
        signalArgs: [{ ...batch }],
      });
    } catch (err) {
      this.logger.warn({ handler, err: { message: String(err) } }, 'could not report handler outcomes to its circuit breaker');
    }
  }
}

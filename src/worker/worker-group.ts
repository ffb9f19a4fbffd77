import type { Worker } from '@temporalio/worker';

/**
 * The workers of one process that live and die together: the event runs' worker and one worker per
 * handler task queue. When one stops, for an error or a shutdown, the others are shut down too, so
 * the process never runs half of hookflow.
 */
export class WorkerGroup {
  constructor(
    readonly workers: readonly Worker[],
    /** Runs while the workers run, e.g. the breaker outcome reporter; stopped after them. */
    private readonly companion?: { start(): void; stop(): Promise<void> },
  ) {}

  /** Resolves when every worker has stopped; rejects with the first error. */
  async run(): Promise<void> {
    this.companion?.start();
    const runs = this.workers.map((worker) => worker.run().finally(() => this.shutdown()));
    const results = await Promise.allSettled(runs);
    await this.companion?.stop();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Shuts down every worker still running; safe to call in any state, and more than once. */
  shutdown(): void {
    for (const worker of this.workers) {
      // Temporal's runtime may already be draining it (its own signal handling): shut down only once.
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
  }

  /** Runs the group until `work` settles, then shuts it down: for tests, like Worker.runUntil. */
  async runUntil<T>(work: () => Promise<T>): Promise<T> {
    const running = this.run();
    try {
      return await work();
    } finally {
      this.shutdown();
      await running;
    }
  }
}

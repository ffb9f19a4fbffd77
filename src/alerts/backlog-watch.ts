import type { Client } from '@temporalio/client';
import { backlogWatchId, watchBacklog } from '../../workflows/watch-backlog';
import { retryUntilDone } from '../lifecycle/retry';
import type { Logger } from '../logger';

export interface BacklogWatchOptions {
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly logger: Logger;
  /** Deadline of one start call. */
  readonly timeoutMs?: number;
}

/**
 * Makes sure the backlog watcher (workflows/watch-backlog.ts) runs, from every worker whose config
 * sets `alerts.backlog`: its workflow ID (one per task queue) and USE_EXISTING make one watcher however many
 * workers start it. Retried in the background while Temporal does not answer.
 */
export class BacklogWatch {
  private readonly abort = new AbortController();
  private running: Promise<unknown> | undefined;

  constructor(private readonly opts: BacklogWatchOptions) {}

  start(): void {
    const { temporal, taskQueue, logger } = this.opts;
    const timeoutMs = this.opts.timeoutMs ?? 5000;
    this.running = retryUntilDone(
      () =>
        temporal.withDeadline(Date.now() + timeoutMs, () =>
          temporal.workflow.start(watchBacklog, {
            workflowId: backlogWatchId(taskQueue),
            taskQueue,
            args: [{}],
            workflowIdConflictPolicy: 'USE_EXISTING',
            staticSummary: 'backlog thresholds of alerts.backlog',
          }),
        ),
      { what: 'starting the backlog watcher', logger, signal: this.abort.signal },
    );
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }
}

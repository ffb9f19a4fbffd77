import { condition, continueAsNew, getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { enqueueSignal, finishedSignal, queueQuery, turnSignal } from './definitions';
import { KeyQueue, type KeyQueueState, type PositionNotice } from './key-queue';

export interface SequencerInput {
  /** The queue carried over by continue-as-new; a new sequencer starts empty. */
  readonly state?: KeyQueueState;
  /** Turns granted before the run continues as new (its history stays short); DEFAULT_GRANTS_PER_RUN when absent. */
  readonly grantsPerRun?: number;
}

/**
 * About 20 history events per event (its enqueue and finished signals in, its position and turn
 * signals out, their workflow tasks): some 5,000 per run, far below Temporal's 50,000 limit.
 */
export const DEFAULT_GRANTS_PER_RUN = 250;
/** How long an idle sequencer stays open for the next event of its key before it completes. */
export const IDLE_LINGER_MS = 60_000;

/**
 * The sequencer of one ordering key (workflow ID `order:<source>:<key hash>`): started by the first
 * event run's `enqueue` (signal-with-start), it gives the key's turn to one event at a time, in
 * the order the events were received (key-queue.ts), and tells each waiting run whom it waits
 * behind. It completes once idle for IDLE_LINGER_MS; the next `enqueue` starts a new one.
 */
export async function sequenceOrderingKey(input: SequencerInput): Promise<void> {
  const queue = new KeyQueue(input.state);
  const grantsPerRun = input.grantsPerRun ?? DEFAULT_GRANTS_PER_RUN;
  const outbox: PositionNotice[] = [];
  let changes = 0;
  setHandler(enqueueSignal, (event) => {
    outbox.push(...queue.enqueue(event));
    changes += 1;
  });
  setHandler(finishedSignal, ({ ref }) => {
    outbox.push(...queue.finish(ref));
    changes += 1;
  });
  setHandler(queueQuery, () => queue.state());

  /**
   * Sends the notices, only the latest for each run (a grant supersedes a position); a run that is
   * gone (terminated, or ended before its turn) leaves the queue.
   */
  async function deliverNotices(): Promise<void> {
    const latest = new Map<string, PositionNotice>();
    for (const notice of outbox.splice(0)) {
      latest.delete(notice.ref);
      latest.set(notice.ref, notice);
    }
    // Sent together: one workflow task for all of them.
    await Promise.all(
      [...latest.values()].map(async (notice) => {
        try {
          await getExternalWorkflowHandle(notice.ref).signal(turnSignal, notice);
        } catch (err) {
          log.warn('an event run of this key is gone; it leaves the queue', { ref: notice.ref, error: String(err) });
          if (queue.holds(notice.ref)) outbox.push(...queue.finish(notice.ref));
        }
      }),
    );
  }

  let granted = 0;
  for (;;) {
    const step = queue.next(Date.now());
    if (step.kind === 'grant') {
      outbox.push(queue.grantHead());
      granted += 1;
    }
    if (outbox.length > 0) {
      await deliverNotices();
      continue;
    }
    if (granted >= grantsPerRun || workflowInfo().continueAsNewSuggested) {
      // Signals that arrive while this task completes fail the completion; the task then runs
      // again with them, so none is lost between this run and the next.
      await continueAsNew<typeof sequenceOrderingKey>({ state: queue.state(), grantsPerRun });
    }
    const seen = changes;
    const changed = () => changes !== seen || outbox.length > 0;
    if (step.kind === 'idle') {
      if (!(await condition(changed, IDLE_LINGER_MS))) return;
    } else if (step.kind === 'due') {
      await condition(changed, Math.max(1, step.atMs - Date.now()));
    } else {
      await condition(changed);
    }
  }
}

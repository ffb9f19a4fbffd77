import {
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { enqueueSignal, finishedSignal, queueQuery, turnSignal } from './definitions';
import { KeyQueue, type KeyQueueState, type PositionNotice } from './key-queue';
import { LOCAL_ACTIVITY_OPTIONS } from './local-activity-options';

const { isRunOpen } = proxyLocalActivities<Activities>(LOCAL_ACTIVITY_OPTIONS);

export interface SequencerInput {
  /** The queue carried over by continue-as-new; a new sequencer starts empty. */
  readonly state?: KeyQueueState;
  /** Turns granted before the run continues as new (its history stays short); DEFAULT_GRANTS_PER_RUN when absent. */
  readonly grantsPerRun?: number;
  /** How long the turn is held before the first check of its holder's run; HOLDER_FIRST_CHECK_MS when absent. */
  readonly holderCheckMs?: number;
}

/**
 * About 22 history events per event (its enqueue and finished signals in, its position and turn
 * signals out, the timer on its turn, their workflow tasks): some 5,500 per run, far below
 * Temporal's 50,000 limit.
 */
export const DEFAULT_GRANTS_PER_RUN = 250;
/** How long an idle sequencer stays open for the next event of its key before it completes. */
export const IDLE_LINGER_MS = 60_000;
/**
 * A run terminated while it holds the turn never signals `finished`: once the turn has been held
 * this long, the sequencer asks Temporal whether the holder's run is still open, then again after
 * twice as long each time, up to HOLDER_CHECK_MAX_MS (a parked event holds the turn for days).
 */
export const HOLDER_FIRST_CHECK_MS = 60_000;
/** The longest wait between two checks of the holder's run. */
export const HOLDER_CHECK_MAX_MS = 10 * 60_000;

/**
 * The sequencer of one ordering key (workflow ID `order:<source>:<key hash>`): started by the first
 * event run's `enqueue` (signal-with-start), it gives the key's turn to one event at a time, in
 * the order the events were received (key-queue.ts), and tells each waiting run whom it waits
 * behind. A holder whose run closed without a `finished` signal (terminated) loses the turn at
 * the next check. It completes once idle for IDLE_LINGER_MS; the next `enqueue` starts a new one.
 */
export async function sequenceOrderingKey(input: SequencerInput): Promise<void> {
  const queue = new KeyQueue(input.state);
  const grantsPerRun = input.grantsPerRun ?? DEFAULT_GRANTS_PER_RUN;
  const holderCheckMs = input.holderCheckMs ?? HOLDER_FIRST_CHECK_MS;
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

  const holderCheckMaxMs = Math.max(HOLDER_CHECK_MAX_MS, holderCheckMs);
  /** One timer for the turn's holder, from its grant on; cancelled when the turn changes hands. */
  let watch: { ref: string; scope: CancellationScope; due: boolean; delayMs: number } | undefined;
  function watchHolder(ref: string, delayMs: number): void {
    const scope = new CancellationScope();
    const watched = { ref, scope, due: false, delayMs };
    watch = watched;
    scope.run(() => sleep(delayMs)).then(
      () => {
        watched.due = true;
      },
      () => undefined, // cancelled: the turn changed hands
    );
  }
  /** Keeps a watch on the turn's holder; when it is due, a holder whose run has closed leaves the queue. */
  async function watchTurn(): Promise<void> {
    const holder = queue.holder();
    if (watch !== undefined && watch.ref !== holder) {
      watch.scope.cancel();
      watch = undefined;
    }
    if (holder === undefined) return;
    if (watch === undefined) {
      watchHolder(holder, holderCheckMs);
      return;
    }
    if (!watch.due) return;
    const { delayMs } = watch;
    watch = undefined;
    if (await isRunOpen(holder)) {
      watchHolder(holder, Math.min(delayMs * 2, holderCheckMaxMs));
    } else {
      log.warn('the run holding the turn closed without giving it back (terminated?): the turn goes on', { ref: holder });
      outbox.push(...queue.finish(holder));
    }
  }

  let granted = 0;
  for (;;) {
    await watchTurn();
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
      await continueAsNew<typeof sequenceOrderingKey>({ state: queue.state(), grantsPerRun, holderCheckMs });
    }
    const seen = changes;
    const changed = () => changes !== seen || outbox.length > 0 || watch?.due === true;
    if (step.kind === 'idle') {
      if (!(await condition(changed, IDLE_LINGER_MS))) return;
    } else if (step.kind === 'due') {
      await condition(changed, Math.max(1, step.atMs - Date.now()));
    } else {
      await condition(changed);
    }
  }
}

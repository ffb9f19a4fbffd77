import { condition, continueAsNew, defineSignal, log, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { AlertActivities } from '../activities/alerts';
import type { RaisedAlert } from '../src/alerts/alert';
import { addAlert, type Digest } from '../src/alerts/digest';

/** An alert for one notifier; sent by the raiseAlert activity (signal-with-start). */
export const alertSignal = defineSignal<[RaisedAlert]>('alert');

export interface NotifierInput {
  readonly notifier: string;
  /** The task queue of the workers that run it: part of its workflow ID. */
  readonly taskQueue: string;
  readonly batchWindowMs: number;
  /** Alerts not sent yet, carried over by continue-as-new. */
  readonly pending?: Digest | null;
  /** Messages sent by earlier runs: part of each message's ID. */
  readonly sent?: number;
}

/** Workflow ID of a notifier's entity workflow: one per notifier and task queue (hookflow deployment). */
export function notifierWorkflowId(taskQueue: string, notifier: string): string {
  return `alerts:${taskQueue}:${notifier}`;
}

/** Messages sent before the run continues as new: about 10 history events each, plus the signals. */
export const MESSAGES_PER_RUN = 100;
/** How long an idle notifier stays open for the next alert before it completes. */
export const IDLE_LINGER_MS = 10 * 60_000;

const { deliverAlerts } = proxyActivities<AlertActivities>({
  startToCloseTimeout: '30 seconds',
  // Durable: a notifier that is down is retried for a day, at most every 5 minutes.
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  summary: 'send alerts',
});

/**
 * One per notifier (workflow ID `alerts:<task queue>:<notifier>`): gathers the alerts raised within
 * a batching window after the first into one digest (counts, not one entry per event), sends it as one message through
 * an activity with retries, and starts over. Completes once idle for IDLE_LINGER_MS; the next alert
 * starts it again.
 */
export async function notifyOperators(input: NotifierInput): Promise<void> {
  let pending: Digest | null = input.pending ?? null;
  let sent = input.sent ?? 0;
  setHandler(alertSignal, (alert) => {
    pending = addAlert(pending, alert);
  });
  const { runId } = workflowInfo();
  for (let sentThisRun = 0; ; sentThisRun++) {
    if (sentThisRun >= MESSAGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof notifyOperators>({ ...input, pending, sent });
    }
    if (!(await condition(() => pending !== null, IDLE_LINGER_MS))) return;
    await sleep(input.batchWindowMs);
    const digest = pending;
    pending = null;
    if (digest === null) continue; // never: only this loop empties it, but TypeScript cannot tell
    // The same ID on every retry of this message, so the receiver can tell a retry from a new one.
    const messageId = `${notifierWorkflowId(input.taskQueue, input.notifier)}:${runId}:${sent}`;
    sent++;
    try {
      await deliverAlerts(input.notifier, messageId, digest);
    } catch (err) {
      // Refused for good (a 4xx, an unknown notifier) or retried for a day: dropped, with a trace in the history and the log.
      const failure = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      const reason = failure instanceof Error ? failure.message : String(failure);
      log.warn('alerts not delivered', { notifier: input.notifier, messageId, reason });
    }
  }
}

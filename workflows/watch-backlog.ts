import { continueAsNew, log, proxyActivities, sleep } from '@temporalio/workflow';
import type { AlertActivities } from '../activities/alerts';
import { raiseAlert } from './raise-alert';

/** Workflow ID of the one backlog watcher of a task queue (a hookflow deployment). */
export function backlogWatchId(taskQueue: string): string {
  return `alerts:${taskQueue}:backlog-watch`;
}
/** Checks before the run continues as new: a few history events each. */
export const CHECKS_PER_RUN = 500;
/** How long to wait before checking again after a failed reading. */
const RETRY_READING_MS = 60_000;

export interface BacklogWatchInput {
  /** `<scope>/<measure>` of the thresholds passed at the last check, carried over by continue-as-new. */
  readonly over?: readonly string[];
}

const { readBacklog } = proxyActivities<AlertActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3 },
  summary: 'read the backlog',
});

/**
 * Compares the backlog (the measures behind hookflow_pending_starts, hookflow_oldest_pending_start_age_seconds
 * and hookflow_open_runs) with the thresholds of `alerts.backlog` every `checkEvery`, and raises one
 * alert when a measure passes its threshold and one when it is back under: a change, not every check.
 * Started by the workers (workflow ID backlogWatchId, so one for all of them); ends when the
 * thresholds are removed from the config.
 */
export async function watchBacklog(input: BacklogWatchInput): Promise<void> {
  const over = new Set(input.over ?? []);
  for (let check = 0; check < CHECKS_PER_RUN; check++) {
    let reading: Awaited<ReturnType<AlertActivities['readBacklog']>>;
    try {
      reading = await readBacklog();
    } catch (err) {
      log.warn('could not read the backlog', { error: err instanceof Error ? err.message : String(err) });
      await sleep(RETRY_READING_MS);
      continue;
    }
    if (reading === null) return;
    for (const { scope, measure, value, threshold } of reading.measures) {
      const key = `${scope}/${measure}`;
      const exceeded = value > threshold;
      if (exceeded === over.has(key)) continue;
      if (exceeded) over.add(key);
      else over.delete(key);
      await raiseAlert({ kind: exceeded ? 'backlog_exceeded' : 'backlog_recovered', scope, measure, value, threshold });
    }
    await sleep(reading.checkEveryMs);
  }
  await continueAsNew<typeof watchBacklog>({ over: [...over] });
}

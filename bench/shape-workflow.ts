/**
 * The bench's bare shape: hookflow's workflow shape (local activity, activity, local activity: plan
 * the routes, run the one handler, record the status) with no hookflow code and no-op activities.
 * Bundled by shape-worker-main.ts; the ceiling phase measures how fast the server completes it.
 */
import { proxyActivities, proxyLocalActivities, upsertSearchAttributes } from '@temporalio/workflow';
import { WebhookStatus } from '../src/temporal/search-attributes';
import type { ShapeActivities } from './shape-activities';

// The same local-activity settings as hookflow's workflow (workflows/process-webhook-event.ts).
const local = proxyLocalActivities<ShapeActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  localRetryThreshold: '1 second',
});

/** How a run of the bare shape is asked to differ from the plainest one. */
export interface ShapeOptions {
  /**
   * Unset: the activity goes to the workflow's own queue, where the server hands it to the worker
   * eagerly, in its answer to the workflow task. Set: to that queue, as hookflow sends each
   * handler's attempts to the handler's queue (flow control): then it is matched like any task.
   */
  readonly activityQueue?: string;
  /** Upsert WebhookStatus = "processed" before the last step, as hookflow's run does when it ends. */
  readonly upsertStatus?: boolean;
}

export async function benchShapeWorkflow(options: ShapeOptions = {}): Promise<void> {
  const { activityQueue, upsertStatus } = options;
  const remote = proxyActivities<ShapeActivities>({ startToCloseTimeout: '30 seconds', ...(activityQueue ? { taskQueue: activityQueue } : {}) });
  await local.shapeLocalStep();
  await remote.shapeRemoteStep();
  if (upsertStatus) upsertSearchAttributes([{ key: WebhookStatus, value: 'processed' }]);
  await local.shapeLocalStep();
}

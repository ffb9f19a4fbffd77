/**
 * The bench's bare shape: hookflow's workflow shape (local activity, activity, local activity: plan
 * the routes, run the one handler, record the status) with no hookflow code and no-op activities.
 * Bundled by shape-worker-main.ts; the ceiling phase measures how fast the server completes it.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ShapeActivities } from './shape-activities';

// The same local-activity settings as hookflow's workflow (workflows/process-webhook-event.ts).
const local = proxyLocalActivities<ShapeActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  localRetryThreshold: '1 second',
});

/**
 * `activityQueue` unset: the activity goes to the workflow's own queue, where the server hands it to
 * the worker eagerly, in its answer to the workflow task. Set: to that queue, as hookflow sends each
 * handler's attempts to the handler's queue (flow control): then it is matched like any task.
 */
export async function benchShapeWorkflow(activityQueue?: string): Promise<void> {
  const remote = proxyActivities<ShapeActivities>({ startToCloseTimeout: '30 seconds', ...(activityQueue ? { taskQueue: activityQueue } : {}) });
  await local.shapeLocalStep();
  await remote.shapeRemoteStep();
  await local.shapeLocalStep();
}

import { CancellationScope, condition, getExternalWorkflowHandle, log, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { LOCAL_ACTIVITY_OPTIONS } from './local-activity-options';
import { handlerPermitsWorkflowId } from '../src/flow/handler-queues';
import { releasePermitSignal } from './definitions';
import type { EventTracker } from './event-tracker';
import type { PlannedHandler } from './types';

const { requestPermit } = proxyLocalActivities<Activities>(LOCAL_ACTIVITY_OPTIONS);

/**
 * Runs `work` (the handler's activity, retries included) while the event's run holds one of the
 * handler's concurrency permits (handler-permits.ts); a handler without `concurrency` runs at once.
 * The permit is given back however `work` ends, a discard included.
 */
export async function withHandlerPermit(ref: string, handler: PlannedHandler, tracker: EventTracker, work: () => Promise<void>): Promise<void> {
  if (handler.concurrency === undefined) return work();
  const permitsId = handlerPermitsWorkflowId(workflowInfo().taskQueue, handler.name);
  tracker.awaitPermit(handler.name);
  try {
    await requestPermit(permitsId, { ref, handler: handler.name, limit: handler.concurrency });
    await condition(() => tracker.hasPermit(handler.name));
    await work();
  } finally {
    tracker.permitReleased(handler.name);
    await CancellationScope.nonCancellable(() => releasePermit(permitsId, ref));
  }
}

/** A permit workflow that is gone (terminated) holds nobody's permit. */
async function releasePermit(permitsId: string, ref: string): Promise<void> {
  try {
    await getExternalWorkflowHandle(permitsId).signal(releasePermitSignal, { ref });
  } catch (err) {
    log.warn('the handler permit workflow is gone', { permitsId, error: String(err) });
  }
}

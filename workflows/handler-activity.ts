import { ActivityCancellationType, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { handlerTaskQueue } from '../src/flow/handler-queues';
import type { Activities } from '../activities';
import type { PlannedHandler } from './types';

/**
 * Runs one handler as an activity with its route's timeouts and retry policy. The activity gets
 * the event reference and the handler's name: the worker looks up the body and the secrets. Its
 * attempts go to the handler's own task queue, where its rate limit and pause apply.
 */
export function runHandlerActivity(ref: string, handler: PlannedHandler): Promise<void> {
  const { retry } = handler;
  const activities = proxyActivities<Activities>({
    taskQueue: handlerTaskQueue(workflowInfo().taskQueue, handler.name),
    startToCloseTimeout: handler.timeoutMs,
    ...(handler.heartbeatMs === undefined ? {} : { heartbeatTimeout: handler.heartbeatMs }),
    // Temporal's retry expiry: no attempt starts after this, however many are left.
    ...(retry.expiryMs === undefined ? {} : { scheduleToCloseTimeout: retry.expiryMs }),
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maximumIntervalMs,
      maximumAttempts: retry.maximumAttempts,
    },
    // On discard, stop waiting at once; the activity learns of it at its next heartbeat.
    cancellationType: ActivityCancellationType.TRY_CANCEL,
    summary: handler.kind === 'http' ? `forward to ${handler.name}` : `run handler ${handler.name}`,
  });
  return handler.kind === 'http'
    ? activities.forwardToHttpHandler(ref, handler.name)
    : activities.runModuleHandler(ref, handler.name);
}

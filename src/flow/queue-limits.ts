import type { Connection } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';

/*
 * The rate limits hookflow sets on a handler's task queue: an operator's pause and the circuit
 * breaker's hold, and what `handlers list` and the metrics read back (state and backlog).
 *
 * Pausing a handler is setting its task queue's rate limit to 0 through Temporal's task queue config
 * API: the server then dispatches none of the queue's attempts, to any worker, while they wait in the
 * queue (a waiting attempt has not started, so it spends none of its retry budget). The setting is
 * stored by the Temporal server, so it survives restarts of every hookflow process, and each pause or
 * resume is one whole write there: nobody reads, changes and writes back a shared document. Resuming
 * removes the queue's limit; the workers' own `rate` (maxTaskQueueActivitiesPerSecond) applies again,
 * and the server hands out the waiting attempts oldest first.
 */

type WorkflowService = Connection['workflowService'];
type ConfigRequest = Parameters<WorkflowService['updateTaskQueueConfig']>[0];
type TaskQueueType = NonNullable<ConfigRequest['taskQueueType']>;

/** temporal.api.enums.v1.TaskQueueType / TaskQueueKind */
const ACTIVITY_QUEUE: TaskQueueType = 2;
const NORMAL_KIND = 1;

/** Marks the queue limits hookflow set, in the limit's `reason`: an operator's pause, and the circuit breaker's. */
const PAUSE_REASON = 'hookflow pause';
const BREAKER_OPEN_REASON = 'hookflow breaker open';
const BREAKER_PROBE_REASON = 'hookflow breaker half-open';
/**
 * Half-open: at most one attempt per 5 s. The breaker holds the queue again (open) or releases it
 * (closed) on the first outcome reported, about a second after the attempt ends, so one probe goes
 * at a time. (Temporal takes a few seconds to hand out the first attempt after a rate of 0.)
 */
const PROBE_RATE = 0.2;

export interface QueueAddress {
  readonly service: WorkflowService;
  readonly namespace: string;
  readonly taskQueue: string;
}

export interface PauseInfo {
  /** Who paused: the identity of the call (`hookflow-cli`, `hookflow-admin-api`). */
  readonly by: string;
  /** ISO 8601. */
  readonly at: string;
  readonly reason?: string;
}

export interface QueueFlow {
  /** Set while the handler is paused by an operator. */
  readonly paused?: PauseInfo;
  /** Set while the handler's circuit breaker holds it. */
  readonly breaker?: 'open' | 'half-open';
  /** Attempts waiting in the queue for a worker: Temporal's approximate backlog count. */
  readonly backlog: number;
  /** How long the oldest of them has waited, in seconds (0 when none waits). */
  readonly oldestWaitSeconds: number;
}

export async function pauseQueue(queue: QueueAddress, identity: string, reason?: string): Promise<void> {
  await queue.service.updateTaskQueueConfig({
    namespace: queue.namespace,
    identity,
    taskQueue: queue.taskQueue,
    taskQueueType: ACTIVITY_QUEUE,
    updateQueueRateLimit: { rateLimit: { requestsPerSecond: 0 }, reason: reason === undefined ? PAUSE_REASON : `${PAUSE_REASON}: ${reason}` },
  });
}

/** Removes the pause; the queue goes back to its workers' rate limit, or none. */
export async function resumeQueue(queue: QueueAddress, identity: string): Promise<void> {
  await queue.service.updateTaskQueueConfig({
    namespace: queue.namespace,
    identity,
    taskQueue: queue.taskQueue,
    taskQueueType: ACTIVITY_QUEUE,
    updateQueueRateLimit: {},
  });
}

/** Whether the queue is paused, and what waits in it. */
export async function describeQueueFlow(queue: QueueAddress): Promise<QueueFlow> {
  const answer = await queue.service.describeTaskQueue({
    namespace: queue.namespace,
    taskQueue: { name: queue.taskQueue, kind: NORMAL_KIND },
    taskQueueType: ACTIVITY_QUEUE,
    reportStats: true,
    reportConfig: true,
  });
  const limit = answer.config?.queueRateLimit;
  const reason = limit?.metadata?.reason ?? '';
  const paused = (limit?.rateLimit?.requestsPerSecond ?? 0) === 0 && reason.startsWith(PAUSE_REASON);
  const breaker = reason === BREAKER_OPEN_REASON ? 'open' : reason === BREAKER_PROBE_REASON ? 'half-open' : undefined;
  const note = reason.slice(PAUSE_REASON.length).replace(/^: /, '');
  return {
    ...(paused
      ? {
          paused: {
            by: limit?.metadata?.updateIdentity ?? '',
            at: new Date(optionalTsToMs(limit?.metadata?.updateTime) ?? 0).toISOString(),
            ...(note === '' ? {} : { reason: note }),
          },
        }
      : {}),
    ...(breaker === undefined ? {} : { breaker }),
    backlog: Number(answer.stats?.approximateBacklogCount ?? 0),
    oldestWaitSeconds: (optionalTsToMs(answer.stats?.approximateBacklogAge) ?? 0) / 1000,
  };
}

/**
 * Applies the circuit breaker's state to the queue: open holds every attempt (a rate of 0), half-open
 * lets one through, closed removes the breaker's limit. An operator's pause comes first: the breaker
 * never replaces or removes it (it returns false then); an operator's resume clears the breaker's
 * limit too. The check and the write are two calls: an operator's pause landing between them (a
 * window of milliseconds) would be replaced by the breaker's hold.
 */
export async function applyBreakerToQueue(queue: QueueAddress, identity: string, state: 'open' | 'half-open' | 'closed'): Promise<boolean> {
  const flow = await describeQueueFlow(queue);
  if (flow.paused) return false;
  const base = { namespace: queue.namespace, identity, taskQueue: queue.taskQueue, taskQueueType: ACTIVITY_QUEUE };
  if (state === 'closed') {
    if (flow.breaker !== undefined) await queue.service.updateTaskQueueConfig({ ...base, updateQueueRateLimit: {} });
    return true;
  }
  const rate = state === 'open' ? 0 : PROBE_RATE;
  const reason = state === 'open' ? BREAKER_OPEN_REASON : BREAKER_PROBE_REASON;
  await queue.service.updateTaskQueueConfig({ ...base, updateQueueRateLimit: { rateLimit: { requestsPerSecond: rate }, reason } });
  return true;
}

/** Every handler's queue flow, by handler name, for the metrics. */
export async function describeHandlerFlows(
  service: WorkflowService,
  namespace: string,
  queues: ReadonlyMap<string, string>,
): Promise<ReadonlyMap<string, QueueFlow>> {
  const entries = await Promise.all([...queues].map(async ([handler, taskQueue]) => [handler, await describeQueueFlow({ service, namespace, taskQueue })] as const));
  return new Map(entries);
}

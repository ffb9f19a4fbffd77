import { randomUUID } from 'node:crypto';
import type { Connection, WorkflowHandle } from '@temporalio/client';
import type { OpsContext } from './context';
import { OpsError } from './errors';
import { temporalCall } from './temporal-call';

/** Where a reset goes back to: the first or last completed workflow task, or a given history event ID. */
export type ResetPoint = 'first' | 'last' | number;

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];
type ResetRequest = Parameters<Connection['workflowService']['resetWorkflowExecution']>[0];
type ReapplyType = NonNullable<ResetRequest['resetReapplyType']>;

/** temporal.api.enums.v1.EventType: the workflow-task events a reset may name. */
const WORKFLOW_TASK_STARTED = 6;
const WORKFLOW_TASK_COMPLETED = 7;
const WORKFLOW_TASK_TIMED_OUT = 8;
const WORKFLOW_TASK_FAILED = 9;
const RESETTABLE = new Set<number>([WORKFLOW_TASK_STARTED, WORKFLOW_TASK_COMPLETED, WORKFLOW_TASK_TIMED_OUT, WORKFLOW_TASK_FAILED]);

/** temporal.api.enums.v1.ResetReapplyType */
const REAPPLY_SIGNALS: ReapplyType = 1;
const REAPPLY_NONE: ReapplyType = 2;

export interface ResetOptions {
  readonly reason: string;
  /**
   * Replay signals received after the reset point into the new run. Off for a replay, which must
   * start clean: an old `discard` would end it at once.
   */
  readonly reapplySignals: boolean;
}

export interface ResetOutcome {
  readonly runId: string;
  /** The history event the new run continues from. */
  readonly eventId: number;
}

/**
 * Resets one run: Temporal ends it (if still open) and starts a new run under the same workflow ID
 * from the chosen workflow task, with the same input. The UI links the two runs. Resolves undefined
 * when the run has no completed workflow task to go back to (no worker has picked it up yet).
 */
export async function resetRun(
  ctx: OpsContext,
  workflowId: string,
  runId: string,
  to: ResetPoint,
  opts: ResetOptions,
): Promise<ResetOutcome | undefined> {
  const history = await temporalCall(ctx, () => ctx.temporal.workflow.getHandle(workflowId, runId).fetchHistory());
  const point = resetEvent(history.events ?? [], to);
  if (point === undefined) return undefined;
  const response = await temporalCall(ctx, () =>
    ctx.temporal.workflowService.resetWorkflowExecution({
      namespace: ctx.namespace,
      workflowExecution: { workflowId, runId },
      reason: opts.reason,
      workflowTaskFinishEventId: point,
      requestId: randomUUID(),
      resetReapplyType: opts.reapplySignals ? REAPPLY_SIGNALS : REAPPLY_NONE,
    }),
  );
  return { runId: response.runId ?? '', eventId: point.toNumber() };
}

type EventId = NonNullable<HistoryEvent['eventId']>;

function resetEvent(events: readonly HistoryEvent[], to: ResetPoint): EventId | undefined {
  if (typeof to === 'number') {
    const named = events.find((e) => e.eventId?.toNumber() === to);
    if (!named?.eventId || !RESETTABLE.has(named.eventType ?? 0)) {
      throw new OpsError(
        'bad_request',
        `Event ${to} of this run is not a workflow task event; name a WorkflowTaskCompleted event (see the run's history in the Temporal UI)`,
      );
    }
    return named.eventId;
  }
  const completed = events.filter((e) => e.eventType === WORKFLOW_TASK_COMPLETED);
  return (to === 'first' ? completed[0] : completed.at(-1))?.eventId ?? undefined;
}

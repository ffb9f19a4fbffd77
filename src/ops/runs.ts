import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Connection, type WorkflowHandle } from '@temporalio/client';
import { discardSignal, redeliverSignal } from '../../workflows/definitions';
import type { EventDocument } from '../store/events';
import { startEventWorkflow } from '../temporal/start-event';
import { describeRun, eventRef, findEvent, OpsError, quoted, temporalCall, type EventRef, type OpsContext } from './context';

export interface ReplayOptions {
  /** Also replay an event whose run is still open: that run is ended and a new one starts. */
  readonly force?: boolean;
}

export interface ReplayResult extends EventRef {
  /** `reset`: the closed run was reset to its first workflow task; `started`: a new run was started. */
  readonly how: 'reset' | 'started';
  readonly runId: string;
  readonly previousRunId: string | null;
}

/**
 * Processes a stored event again from its stored payload (the workflow reads the body from MongoDB),
 * under the same workflow ID. A closed run is reset to its first workflow task, so the UI shows the
 * new run linked to the old one; without any run (never started, or past retention) one is started.
 * An open run is refused unless forced: it may be mid-delivery, and a parked failure wants `redeliver`.
 */
export async function replayEvent(ctx: OpsContext, id: string, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const event = await findEvent(ctx, id);
  const run = await describeRun(ctx, event._id);
  if (run?.status.name === 'RUNNING' && !opts.force) {
    throw new OpsError(
      'conflict',
      `The run of ${quoted(event._id)} is still open; signal it to redeliver a parked failure, or replay with force to end it and start over`,
    );
  }
  const reset =
    run &&
    (await resetRun(ctx, event._id, run.runId, 'first', { reason: `hookflow replay (${ctx.actor})`, reapplySignals: false }));
  if (run?.status.name === 'RUNNING' && !reset) {
    throw new OpsError('conflict', `The run of ${quoted(event._id)} has not been picked up by a worker yet; it will run when one polls`);
  }
  const runId = reset ? reset.runId : await startAgain(ctx, event, run !== null);
  await ctx.actions.record({ ref: event._id, action: 'replay', at: new Date(), by: ctx.actor, runId });
  return { ...eventRef(event), how: reset ? 'reset' : 'started', runId, previousRunId: run?.runId ?? null };
}

/** A start under the event's workflow ID, for a run that has nothing to reset to. */
async function startAgain(ctx: OpsContext, event: EventDocument, afterClosedRun: boolean): Promise<string> {
  const started = await temporalCall(ctx, () =>
    startEventWorkflow(ctx.temporal, ctx.taskQueue, event, ctx.timeoutMs, { allowClosedRun: afterClosedRun }),
  );
  if (started.runId === null) {
    throw new OpsError('conflict', `A run of ${quoted(event._id)} was started meanwhile; show the event to see it`);
  }
  // No store write after the start: the run is the event's only writer from here (see "One writer
  // per event" on EventStore).
  return started.runId;
}

export interface ResetResult extends EventRef {
  readonly runId: string;
  readonly previousRunId: string;
  /** The history event the new run continues from. */
  readonly resetToEventId: number;
}

/**
 * Resets the event's current run (open or closed) to a workflow task. Signals received after that
 * point are applied again to the new run, as Temporal's own reset does by default.
 */
export async function resetEvent(ctx: OpsContext, id: string, to: ResetPoint, reason?: string): Promise<ResetResult> {
  const event = await findEvent(ctx, id);
  const run = await describeRun(ctx, event._id);
  if (!run) throw new OpsError('conflict', `Event ${quoted(event._id)} has no workflow run to reset; use replay to start one`);
  const outcome = await resetRun(ctx, event._id, run.runId, to, {
    reason: reason ?? `hookflow reset (${ctx.actor})`,
    reapplySignals: true,
  });
  if (!outcome) throw new OpsError('conflict', `The run of ${quoted(event._id)} has no completed workflow task to reset to yet`);
  await ctx.actions.record({
    ref: event._id,
    action: 'reset',
    at: new Date(),
    by: ctx.actor,
    runId: outcome.runId,
    note: `to ${String(to)}${reason ? `: ${reason}` : ''}`,
  });
  return { ...eventRef(event), runId: outcome.runId, previousRunId: run.runId, resetToEventId: outcome.eventId };
}

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
  const point = resetPointEvent(history.events ?? [], to);
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

function resetPointEvent(events: readonly HistoryEvent[], to: ResetPoint): EventId | undefined {
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

/** The operator signals the processing workflow defines (workflows/definitions.ts): retry a parked failure, or give it up. */
export type EventSignal = 'redeliver' | 'discard';

export interface SignalArgs {
  /** redeliver: only this handler (default: every failed one). */
  readonly handler?: string;
  /** discard: why, kept in the event's history. */
  readonly reason?: string;
}

export interface SignalResult extends EventRef {
  readonly signal: EventSignal;
}

/** Sends `redeliver` or `discard` to the event's open run. */
export async function signalEvent(ctx: OpsContext, id: string, signal: EventSignal, args: SignalArgs = {}): Promise<SignalResult> {
  const event = await findEvent(ctx, id);
  const handle = ctx.temporal.workflow.getHandle(event._id);
  try {
    await temporalCall(ctx, () =>
      signal === 'redeliver'
        ? handle.signal(redeliverSignal, args.handler === undefined ? {} : { handler: args.handler })
        : handle.signal(discardSignal, args.reason === undefined ? {} : { reason: args.reason }),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw await notOpenError(ctx, event);
    throw err;
  }
  const note = args.handler ?? args.reason;
  await ctx.actions.record({ ref: event._id, action: signal, at: new Date(), by: ctx.actor, ...(note ? { note } : {}) });
  return { ...eventRef(event), signal };
}

export interface TerminateResult extends EventRef {
  readonly reason: string;
}

/** Ends the event's open run at once, without cleanup; the event stays stored and can be replayed. */
export async function terminateEvent(ctx: OpsContext, id: string, reason: string): Promise<TerminateResult> {
  const event = await findEvent(ctx, id);
  try {
    await temporalCall(ctx, () => ctx.temporal.workflow.getHandle(event._id).terminate(reason));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw await notOpenError(ctx, event);
    throw err;
  }
  await ctx.actions.record({ ref: event._id, action: 'terminate', at: new Date(), by: ctx.actor, note: reason });
  return { ...eventRef(event), reason };
}

/** Why a signal or a termination found no open run: the run is closed, or there never was one. */
export async function notOpenError(ctx: OpsContext, event: EventDocument): Promise<OpsError> {
  const run = await describeRun(ctx, event._id);
  if (run) {
    return new OpsError('conflict', `The run of ${quoted(event._id)} is closed (${run.status.name}); use replay to process the event again`);
  }
  return new OpsError('conflict', `Event ${quoted(event._id)} has no workflow run (status ${event.status}); use replay to start one`);
}

import type { EventDocument } from '../store/events';
import { startEventWorkflow } from '../temporal/start-event';
import type { OpsContext } from './context';
import { describeRun } from './describe-run';
import { OpsError, quoted } from './errors';
import { eventRef, type EventRef } from './event-ref';
import { findEvent } from './find-event';
import { resetRun } from './reset-run';
import { temporalCall } from './temporal-call';

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
  // No store write after the start: the run's own status updates are the only writer from here (a
  // late write could undo the worker's on FerretDB, which does not isolate updates of one document).
  return started.runId;
}

import type { OpsContext } from './context';
import { describeRun } from './describe-run';
import { OpsError, quoted } from './errors';
import { eventRef, type EventRef } from './event-ref';
import { findEvent } from './find-event';
import { resetRun, type ResetPoint } from './reset-run';

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

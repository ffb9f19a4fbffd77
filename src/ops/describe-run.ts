import { WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import type { EventDocument } from '../store/events';
import type { OpsContext } from './context';
import { OpsError, quoted } from './errors';
import { temporalCall } from './temporal-call';

/** The event's current run as Temporal describes it, or null when Temporal has none (never started, or past retention). */
export async function describeRun(ctx: OpsContext, workflowId: string): Promise<WorkflowExecutionDescription | null> {
  try {
    return await temporalCall(ctx, () => ctx.temporal.workflow.getHandle(workflowId).describe());
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** Why a signal or a termination found no open run: the run is closed, or there never was one. */
export async function notOpenError(ctx: OpsContext, event: EventDocument): Promise<OpsError> {
  const run = await describeRun(ctx, event._id);
  if (run) {
    return new OpsError('conflict', `The run of ${quoted(event._id)} is closed (${run.status.name}); use replay to process the event again`);
  }
  return new OpsError('conflict', `Event ${quoted(event._id)} has no workflow run (status ${event.status}); use replay to start one`);
}

import { WorkflowNotFoundError } from '@temporalio/client';
import type { OpsContext } from './context';
import { notOpenError } from './describe-run';
import { eventRef, type EventRef } from './event-ref';
import { findEvent } from './find-event';
import { temporalCall } from './temporal-call';

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

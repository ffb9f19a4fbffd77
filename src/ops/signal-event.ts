import { WorkflowNotFoundError } from '@temporalio/client';
import { discardSignal, redeliverSignal } from '../../workflows/definitions';
import type { OpsContext } from './context';
import { notOpenError } from './describe-run';
import { eventRef, type EventRef } from './event-ref';
import { findEvent } from './find-event';
import { temporalCall } from './temporal-call';

/** The operator signals the processing workflow defines (issue 4): retry a parked failure, or give it up. */
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

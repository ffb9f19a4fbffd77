import { findEvents, type EventQuery, type EventSummary } from '../store/event-queries';
import type { OpsContext } from './context';

/** Stored events matching the query, newest first; `workflowId` is the `_id`, named for Temporal users. */
export async function listEvents(ctx: OpsContext, query: EventQuery, limit: number): Promise<(EventSummary & { workflowId: string })[]> {
  return (await findEvents(ctx.store.collection, query, limit)).map((event) => ({ ...event, workflowId: event._id }));
}

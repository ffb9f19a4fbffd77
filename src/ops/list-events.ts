import { findEvents, type EventQuery, type EventSummary } from '../store/event-queries';
import type { OpsContext } from './context';

/** Stored events matching the query, newest first. */
export function listEvents(ctx: OpsContext, query: EventQuery, limit: number): Promise<EventSummary[]> {
  return findEvents(ctx.store.collection, query, limit);
}

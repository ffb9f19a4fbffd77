import type { Collection, Filter } from 'mongodb';
import type { EventDocument, EventStatus } from './events';

/** Every status, checked by the compiler against EventStatus: a new status must be added here. */
const STATUS_SET: Readonly<Record<EventStatus, true>> = {
  received: true,
  started: true,
  processing: true,
  processed: true,
  failed: true,
  ignored: true,
  discarded: true,
};
export function isEventStatus(value: string): value is EventStatus {
  return Object.hasOwn(STATUS_SET, value);
}

export const EVENT_STATUSES: readonly EventStatus[] = Object.keys(STATUS_SET).filter(isEventStatus);

/** Which stored events an operator means; every field narrows the set. */
export interface EventQuery {
  readonly source?: string;
  readonly status?: EventStatus;
  /** An exact event type, or a prefix when it ends in `*` (`invoice.*`). */
  readonly eventType?: string;
  readonly since?: Date;
  readonly until?: Date;
}

/** What a listing shows of an event: never the body or the headers. */
export type EventSummary = Pick<
  EventDocument,
  '_id' | 'source' | 'provider' | 'eventId' | 'eventType' | 'status' | 'receivedAt' | 'workflowId' | 'runId'
>;

const SUMMARY_FIELDS = {
  _id: 1,
  source: 1,
  provider: 1,
  eventId: 1,
  eventType: 1,
  status: 1,
  receivedAt: 1,
  workflowId: 1,
  runId: 1,
} as const;

export function toMongoFilter(query: EventQuery): Filter<EventDocument> {
  const filter: Filter<EventDocument> = {};
  if (query.source !== undefined) filter.source = query.source;
  if (query.status !== undefined) filter.status = query.status;
  if (query.eventType !== undefined) {
    filter.eventType = query.eventType.endsWith('*')
      ? { $regex: `^${escapeRegex(query.eventType.slice(0, -1))}` }
      : query.eventType;
  }
  if (query.since !== undefined || query.until !== undefined) {
    filter.receivedAt = {
      ...(query.since === undefined ? {} : { $gte: query.since }),
      ...(query.until === undefined ? {} : { $lt: query.until }),
    };
  }
  return filter;
}

/** Newest first, as an operator reads a listing. */
export function findEvents(events: Collection<EventDocument>, query: EventQuery, limit: number): Promise<EventSummary[]> {
  return events
    .find(toMongoFilter(query))
    .sort({ receivedAt: -1 })
    .limit(limit)
    .project<EventSummary>(SUMMARY_FIELDS)
    .toArray();
}

/** Oldest first, the order a bulk operation works through them; `limit` 0 means all. */
export async function findEventIds(events: Collection<EventDocument>, query: EventQuery, limit: number): Promise<string[]> {
  const docs = await events
    .find(toMongoFilter(query))
    .sort({ receivedAt: 1 })
    .limit(limit)
    .project<{ _id: string }>({ _id: 1 })
    .toArray();
  return docs.map((doc) => doc._id);
}

/** Events stored but whose workflow is not started yet: the relay's backlog. Uses the relay's index. */
export function countAwaitingStart(events: Collection<EventDocument>): Promise<number> {
  return events.countDocuments({ status: 'received' });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import type { Collection, Filter } from 'mongodb';
import type { EventStatus } from '../event/status';
import type { StoredEvent } from './events';

/** Which stored events an operator means; every field narrows the set. */
export interface EventQuery {
  readonly source?: string;
  /** Without it, every status but `expired`: what retention left of an event is listed only when asked for. */
  readonly status?: EventStatus;
  /** An exact event type, or a prefix when it ends in `*` (`invoice.*`). */
  readonly eventType?: string;
  readonly since?: Date;
  readonly until?: Date;
  /**
   * Events ordered under this key. Not indexed: on FerretDB, as every query on a field other than
   * `_id`, it reads the whole collection (acceptable for an operator's listing).
   */
  readonly orderingKey?: string;
}

/** What a listing shows of an event: never the body or the headers. */
export type EventSummary = Pick<StoredEvent, '_id' | 'source' | 'provider' | 'eventId' | 'eventType' | 'status' | 'receivedAt' | 'runId'>;

const SUMMARY_FIELDS = {
  _id: 1,
  source: 1,
  provider: 1,
  eventId: 1,
  eventType: 1,
  status: 1,
  receivedAt: 1,
  runId: 1,
} as const;

export function toMongoFilter(query: EventQuery): Filter<StoredEvent> {
  const filter: Filter<StoredEvent> = {};
  if (query.source !== undefined) filter.source = query.source;
  if (query.orderingKey !== undefined) filter.orderingKey = query.orderingKey;
  filter.status = query.status ?? { $ne: 'expired' };
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
export function findEvents(events: Collection<StoredEvent>, query: EventQuery, limit: number): Promise<EventSummary[]> {
  return events
    .find(toMongoFilter(query))
    .sort({ receivedAt: -1 })
    .limit(limit)
    .project<EventSummary>(SUMMARY_FIELDS)
    .toArray();
}

/** Oldest first, the order a bulk operation works through them; `limit` 0 means all. */
export async function findEventIds(events: Collection<StoredEvent>, query: EventQuery, limit: number): Promise<string[]> {
  const docs = await events
    .find(toMongoFilter(query))
    .sort({ receivedAt: 1 })
    .limit(limit)
    .project<{ _id: string }>({ _id: 1 })
    .toArray();
  return docs.map((doc) => doc._id);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

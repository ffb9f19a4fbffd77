import { parseDuration } from '../config/duration';
import { EVENT_STATUSES, isEventStatus } from '../event/status';
import type { EventQuery } from '../store/event-queries';
import { OpsError, quoted } from './errors';

/** Filters as an operator types them: CLI options and admin query parameters alike. */
export interface RawEventFilter {
  readonly source?: string | undefined;
  readonly status?: string | undefined;
  readonly type?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
}

/** Validates operator-typed filters; a bad value is a bad_request naming the filter. */
export function parseEventFilter(raw: RawEventFilter, now = new Date()): EventQuery {
  if (raw.status !== undefined && !isEventStatus(raw.status)) {
    throw new OpsError('bad_request', `status must be one of ${EVENT_STATUSES.join(', ')}; got ${quoted(raw.status)}`);
  }
  const query: EventQuery = {
    ...(raw.source === undefined ? {} : { source: raw.source }),
    ...(raw.status === undefined ? {} : { status: raw.status }),
    ...(raw.type === undefined ? {} : { eventType: raw.type }),
    ...(raw.since === undefined ? {} : { since: parseTime('since', raw.since, now) }),
    ...(raw.until === undefined ? {} : { until: parseTime('until', raw.until, now) }),
  };
  return query;
}

export function isEmptyQuery(query: EventQuery): boolean {
  return Object.keys(query).length === 0;
}

/** An ISO 8601 time, or a span back from now written as in the config file: `90s`, `15m`, `2h`, `7d`. */
export function parseTime(name: string, text: string, now: Date): Date {
  const span = parseDuration(text);
  if (span !== undefined) return new Date(now.getTime() - span);
  const absolute = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(absolute.getTime())) {
    throw new OpsError('bad_request', `${name} must be an ISO time (2024-05-01T12:00:00Z) or a span such as 15m, 2h, 7d; got ${quoted(text)}`);
  }
  return absolute;
}

/** A positive whole number up to `max`, or `fallback` when not given. */
export function parseLimit(text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new OpsError('bad_request', `limit must be a whole number from 1 to ${max}; got ${quoted(text)}`);
  }
  return value;
}

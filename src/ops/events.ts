import type { WorkflowExecutionDescription } from '@temporalio/client';
import { statusQuery } from '../../workflows/definitions';
import { parseDuration } from '../config/duration';
import { EVENT_STATUSES, isEventStatus } from '../event/status';
import { findEvents, type EventQuery, type EventSummary } from '../store/event-queries';
import type { AttemptRecord, EventDocument, ExpiredEventDocument, StoredHeader } from '../store/events';
import type { OperatorAction } from '../store/operator-actions';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { handlerOfTaskQueue } from '../flow/handler-queues';
import { describeRun, findStoredEvent, OpsError, quoted, temporalCall, temporalUiLink, type OpsContext } from './context';

/** Filters as an operator types them: CLI options and admin query parameters alike. */
export interface RawEventFilter {
  readonly source?: string | undefined;
  readonly status?: string | undefined;
  readonly type?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  /** An ordering key (routes' `ordering`), exactly. */
  readonly key?: string | undefined;
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
    ...(raw.key === undefined ? {} : { orderingKey: raw.key }),
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

/** Stored events matching the query, newest first; `workflowId` is the `_id`, named for Temporal users. */
export async function listEvents(ctx: OpsContext, query: EventQuery, limit: number): Promise<(EventSummary & { workflowId: string })[]> {
  return (await findEvents(ctx.store.collection, query, limit)).map((event) => ({ ...event, workflowId: event._id }));
}

/**
 * The stored event without its body and headers (extra fields a newer writer added are kept), or
 * what retention left of it (status `expired`: no payload, history or attempts are kept).
 */
export type EventView = (Omit<EventDocument, 'body' | 'headers'> | ExpiredEventDocument) & { readonly workflowId: string };

export interface BodyView {
  readonly bytes: number;
  readonly encoding: 'utf8' | 'base64';
  readonly text: string;
}

export interface RunView {
  readonly workflowId: string;
  readonly runId: string;
  readonly status: string;
  readonly taskQueue: string;
  readonly startTime: Date;
  readonly closeTime: Date | null;
  readonly historyLength: number;
  /** The workflow's `status` query, for an open run whose worker answered. */
  readonly state?: unknown;
  /**
   * Handler attempts scheduled and not started, for an open run: each waits in its handler's task
   * queue for the handler's rate limit, its pause or circuit breaker, or a worker (`handlers list`).
   */
  readonly waitingAttempts?: { readonly handler: string; readonly since: Date | null }[];
}

/** temporal.api.enums.v1.PendingActivityState */
const ACTIVITY_SCHEDULED = 1;

export interface EventDetails {
  readonly event: EventView;
  /** Only when asked for, and never for an expired event. */
  readonly body?: BodyView;
  readonly headers?: StoredHeader[];
  /** Every handler attempt, oldest first. */
  readonly attempts: AttemptRecord[];
  readonly operatorActions: OperatorAction[];
  /** Null when Temporal has no run for the event. */
  readonly workflow: RunView | null;
  readonly temporalUi: string;
}

export interface ShowOptions {
  /** Include the raw body and the received headers. */
  readonly body?: boolean;
  /** Ask an open run for its `status` query (skipped when false). */
  readonly query?: boolean;
}

/** How long an open run's worker gets to answer the status query: a missing worker must not stall `show`. */
const STATUS_QUERY_MS = 2000;

/** The stored event, its handler attempts, what operators did to it, and its workflow run as Temporal sees it. */
export async function showEvent(ctx: OpsContext, id: string, opts: ShowOptions = {}): Promise<EventDetails> {
  const doc = await findStoredEvent(ctx, id);
  const [run, attempts, operatorActions] = await Promise.all([
    describeRun(ctx, doc._id),
    ctx.store.attemptsOf(doc._id),
    ctx.actions.forEvent(doc._id),
  ]);
  const details = {
    attempts,
    operatorActions,
    workflow: run && (await runView(ctx, run, opts.query ?? true)),
    temporalUi: temporalUiLink(ctx, doc._id),
  };
  if (doc.status === 'expired') return { event: { ...doc, workflowId: doc._id }, ...details };
  const { body, headers, ...event } = doc;
  return { event: { ...event, workflowId: doc._id }, ...(opts.body ? { body: bodyView(Buffer.from(body.buffer)), headers } : {}), ...details };
}

async function runView(ctx: OpsContext, run: WorkflowExecutionDescription, query: boolean): Promise<RunView> {
  const view: RunView = {
    workflowId: run.workflowId,
    runId: run.runId,
    status: run.status.name,
    taskQueue: run.taskQueue,
    startTime: run.startTime,
    closeTime: run.closeTime ?? null,
    historyLength: run.historyLength,
  };
  if (run.status.name !== 'RUNNING') return view;
  const waiting = waitingAttempts(run);
  if (!query) return { ...view, waitingAttempts: waiting };
  const quick = { ...ctx, timeoutMs: Math.min(ctx.timeoutMs, STATUS_QUERY_MS) };
  try {
    const state: unknown = await temporalCall(quick, () => ctx.temporal.workflow.getHandle(run.workflowId, run.runId).query(statusQuery));
    return { ...view, state, waitingAttempts: waiting };
  } catch {
    return { ...view, state: { unavailable: 'no worker answered the status query' }, waitingAttempts: waiting };
  }
}

function waitingAttempts(run: WorkflowExecutionDescription): NonNullable<RunView['waitingAttempts']> {
  return (run.raw.pendingActivities ?? []).flatMap((activity) => {
    const handler = handlerOfTaskQueue(run.taskQueue, activity.activityOptions?.taskQueue?.name ?? '');
    if (activity.state !== ACTIVITY_SCHEDULED || handler === undefined) return [];
    const scheduled = optionalTsToMs(activity.scheduledTime);
    return [{ handler, since: scheduled === undefined ? null : new Date(scheduled) }];
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function bodyView(bytes: Buffer): BodyView {
  try {
    return { bytes: bytes.length, encoding: 'utf8', text: strictUtf8.decode(bytes) };
  } catch {
    return { bytes: bytes.length, encoding: 'base64', text: bytes.toString('base64') };
  }
}

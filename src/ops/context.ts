import { isGrpcDeadlineError, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { Env } from '../config/env';
import { HttpRefusal, RETRY_AFTER } from '../http-refusal';
import type { EventDocument, EventStore, StoredEvent } from '../store/events';
import type { OperatorActionLog } from '../store/operator-actions';
import { GRPC, grpcCode, grpcDetails as details } from '../temporal/grpc-status';

/** Who asked for an operation; recorded with it on the event. */
export type Actor = 'cli' | 'admin-api';

/** What every operation needs: the CLI builds one from the environment, the service from its own parts. */
export interface OpsContext {
  readonly store: EventStore;
  readonly actions: OperatorActionLog;
  readonly temporal: Client;
  /** host:port, for messages when Temporal does not answer. */
  readonly temporalAddress: string;
  readonly namespace: string;
  /** For starting an event's workflow that was never started. */
  readonly taskQueue: string;
  /** Base URL of the Temporal Web UI, without a trailing slash. */
  readonly temporalUiUrl: string;
  /** Deadline for each call to Temporal. */
  readonly timeoutMs: number;
  readonly actor: Actor;
}

export const DEFAULT_TEMPORAL_UI_URL = 'http://127.0.0.1:8233';

export interface OpsParts {
  readonly store: EventStore;
  readonly actions: OperatorActionLog;
  readonly temporal: Client;
  readonly temporalAddress: string;
  readonly timeoutMs: number;
  readonly actor: Actor;
}

/** The context for the CLI and the admin API alike: namespace, task queue and UI from the environment. */
export function createOpsContext(env: Env, parts: OpsParts): OpsContext {
  return {
    ...parts,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    temporalUiUrl: temporalUiBaseUrl(env),
  };
}

/** Base URL of the Temporal Web UI (TEMPORAL_UI_URL, else the dev server's), without a trailing slash. */
export function temporalUiBaseUrl(env: Env): string {
  return (env.TEMPORAL_UI_URL ?? DEFAULT_TEMPORAL_UI_URL).replace(/\/+$/, '');
}

/** The run's page in the Temporal Web UI. */
export function temporalUiLink(ctx: OpsContext, workflowId: string): string {
  return `${ctx.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

const STATUS = { bad_request: 400, not_found: 404, conflict: 409, unavailable: 503 } as const;

export type OpsErrorCode = keyof typeof STATUS;

/**
 * Why an operation on an event could not be done: the admin API answers its status, the CLI maps
 * its code to an exit code (src/cli/exit-codes.ts). Messages name IDs and states, never secrets or bodies.
 */
export class OpsError extends HttpRefusal<OpsErrorCode> {
  constructor(code: OpsErrorCode, message: string) {
    super(STATUS[code], code, message, code === 'unavailable' ? RETRY_AFTER : {});
  }
}

/** User-supplied text echoed in a message, bounded so a huge argument cannot flood an answer. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text);
}

/** Names the event an operation touched: what every result and log line about it carries. */
export interface EventRef {
  readonly id: string;
  readonly source: string;
  readonly eventId: string;
  readonly workflowId: string;
}

export function eventRef(event: EventDocument): EventRef {
  return { id: event._id, source: event.source, eventId: event.eventId, workflowId: event._id };
}

/**
 * Runs one call to Temporal under the context's deadline, so an unreachable server fails fast, and
 * turns the service's refusals into OpsErrors. "Not found" stays a WorkflowNotFoundError: only the
 * caller knows whether that means "no such event" or "run already closed".
 */
export async function temporalCall<T>(ctx: OpsContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await ctx.temporal.withDeadline(Date.now() + ctx.timeoutMs, fn);
  } catch (err) {
    throw translate(ctx, err);
  }
}

function translate(ctx: OpsContext, err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError || err instanceof OpsError) return err;
  const code = grpcCode(err);
  if (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED || isGrpcDeadlineError(err)) {
    return new OpsError('unavailable', `Temporal at ${ctx.temporalAddress} did not answer within ${ctx.timeoutMs} ms`);
  }
  if (code === GRPC.NOT_FOUND) return new WorkflowNotFoundError(details(err), '', undefined);
  if (code === GRPC.INVALID_ARGUMENT) return new OpsError('bad_request', `Temporal refused the request: ${details(err)}`);
  if (code === GRPC.FAILED_PRECONDITION) return new OpsError('conflict', `Temporal refused the request: ${details(err)}`);
  return err;
}

/** What is stored under this ID (`<source>:<eventId>`, as listings print it): the event or what retention left of it; or a not_found. */
export async function findStoredEvent(ctx: OpsContext, id: string): Promise<StoredEvent> {
  const event = await ctx.store.getStored(id);
  if (!event) {
    throw new OpsError('not_found', `No stored event ${quoted(id)} (IDs are <source>:<eventId>, as "events list" prints them)`);
  }
  return event;
}

/** The stored event with its payload, which every operation on its run needs; an expired one is a conflict. */
export async function findEvent(ctx: OpsContext, id: string): Promise<EventDocument> {
  const event = await findStoredEvent(ctx, id);
  if (event.status === 'expired') {
    throw new OpsError(
      'conflict',
      `Event ${quoted(event._id)} expired on ${event.expiredAt.toISOString()}: retention kept only its ID and body hash (so redeliveries stay duplicates), not the payload a run needs`,
    );
  }
  return event;
}

/** The event's current run as Temporal describes it, or null when Temporal has none (never started, or past retention). */
export async function describeRun(ctx: OpsContext, workflowId: string): Promise<WorkflowExecutionDescription | null> {
  try {
    return await temporalCall(ctx, () => ctx.temporal.workflow.getHandle(workflowId).describe());
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

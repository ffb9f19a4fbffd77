import type { HandlerConfig, HandlerKind } from '../config/handlers';
import { handlerTaskQueue } from '../flow/handler-queues';
import { describeQueueFlow, pauseQueue, resumeQueue, type PauseInfo, type QueueAddress } from '../flow/queue-limits';
import { OpsError, quoted, temporalCall, type OpsContext } from './context';

/** The handlers of the config file, by name. */
export type HandlerConfigs = ReadonlyMap<string, HandlerConfig>;

/** One handler as `handlers list` and `GET /admin/handlers` show it. */
export interface HandlerView {
  readonly name: string;
  readonly kind: HandlerKind;
  /** `paused`: by an operator; `breaker-open`: by its circuit breaker, which probes it at growing intervals; `breaker-half-open`: one probe attempt may go. */
  readonly state: 'active' | 'paused' | 'breaker-open' | 'breaker-half-open';
  readonly paused?: PauseInfo;
  readonly limits: { readonly rate: number | null; readonly concurrency: number | null };
  /** Whether the handler has a circuit breaker (`breaker: false` turns it off). */
  readonly breaker: boolean;
  /** Attempts waiting for the handler's rate limit or pause (Temporal's approximate count). */
  readonly backlog: number;
  readonly oldestWaitSeconds: number;
}

export async function listHandlers(ctx: OpsContext, handlers: HandlerConfigs): Promise<HandlerView[]> {
  return Promise.all([...handlers.values()].map((handler) => viewHandler(ctx, handler)));
}

/** Stops the handler's attempts, on every worker, until `resumeHandler`. Pausing a paused handler keeps it paused. */
export async function pauseHandler(ctx: OpsContext, handlers: HandlerConfigs, name: string, reason?: string): Promise<HandlerView> {
  const handler = findHandler(handlers, name);
  await temporalCall(ctx, () => pauseQueue(queueOf(ctx, handler.name), identity(ctx), reason));
  return viewHandler(ctx, handler);
}

/**
 * Lets the handler's waiting attempts go, oldest first, within its limits. Resuming an active handler
 * changes nothing; resuming one its breaker holds lifts the hold (the breaker, still open, holds it
 * again at its next probe).
 */
export async function resumeHandler(ctx: OpsContext, handlers: HandlerConfigs, name: string): Promise<HandlerView> {
  const handler = findHandler(handlers, name);
  await temporalCall(ctx, () => resumeQueue(queueOf(ctx, handler.name), identity(ctx)));
  return viewHandler(ctx, handler);
}

async function viewHandler(ctx: OpsContext, handler: HandlerConfig): Promise<HandlerView> {
  const flow = await temporalCall(ctx, () => describeQueueFlow(queueOf(ctx, handler.name)));
  return {
    name: handler.name,
    kind: handler.kind,
    state: flow.paused ? 'paused' : flow.breaker ? `breaker-${flow.breaker}` : 'active',
    ...(flow.paused ? { paused: flow.paused } : {}),
    limits: { rate: handler.limits.ratePerSecond ?? null, concurrency: handler.limits.concurrency ?? null },
    breaker: handler.breaker !== null,
    backlog: flow.backlog,
    oldestWaitSeconds: flow.oldestWaitSeconds,
  };
}

function findHandler(handlers: HandlerConfigs, name: string): HandlerConfig {
  const handler = handlers.get(name);
  if (!handler) {
    const known = [...handlers.keys()].join(', ') || 'none';
    throw new OpsError('not_found', `No handler ${quoted(name)} in the config (defined: ${known})`);
  }
  return handler;
}

function queueOf(ctx: OpsContext, handler: string): QueueAddress {
  return { service: ctx.temporal.workflowService, namespace: ctx.namespace, taskQueue: handlerTaskQueue(ctx.taskQueue, handler) };
}

function identity(ctx: OpsContext): string {
  return `hookflow-${ctx.actor}`;
}

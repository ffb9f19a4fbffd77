import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { HandlerKind } from '../src/config/handlers';
import type { HookflowConfig } from '../src/config/sources';
import { headerRecord, parsedBody } from '../src/event/body';
import type { LiveEventStatus } from '../src/event/status';
import type { AttemptRecord, EventDocument, EventStore, StatusUpdate } from '../src/store/events';
import { applyBreakerToQueue } from '../src/flow/queue-limits';
import { handlerTaskQueue } from '../src/flow/handler-queues';
import type { FlowFacts } from '../src/flow/flow-facts';
import type { BreakerState } from '../workflows/breaker';
import { enqueueSignal, requestPermitSignal } from '../workflows/definitions';
import { handlerPermits } from '../workflows/handler-permits';
import type { QueuedEvent } from '../workflows/key-queue';
import { sequenceOrderingKey } from '../workflows/sequence-ordering-key';
import type { PermitRequest, RoutePlan } from '../workflows/types';
import type { WebhookHandler } from './handler-api';
import { runAttempt } from './handler-attempt';
import { forwardOverHttp } from './http-forward';
import { loadModuleHandler, runModuleHandler } from './module-handler';
import { RecentEvents } from './recent-events';
import { planRoutes } from './route-plan';

/**
 * Activities get their dependencies (the event store, the config) when the worker is built, not
 * from globals, so tests can run them against any database. Workflows pass event references and
 * handler names; bodies and handler secrets are read here and never enter Temporal's history.
 */
export function createActivities(store: EventStore, config: HookflowConfig, flowFacts?: FlowFacts) {
  // Loaded now: a broken handler module stops the worker's start, not an event's processing.
  const modules = new Map<string, WebhookHandler>();
  for (const handler of config.handlers.values()) {
    if (handler.kind === 'module') modules.set(handler.name, loadModuleHandler(handler));
  }

  async function load(ref: string): Promise<EventDocument> {
    const event = await store.get(ref);
    if (!event) throw eventNotFound(ref);
    return event;
  }

  const recent = new RecentEvents();
  /** The calling activity's workflow run. */
  const runIdOfCaller = (): string | undefined => Context.current().info.workflowExecution?.runId;

  /** The event for a handler: as this run's routing read it when this worker routed it, from MongoDB otherwise. */
  async function loadForHandler(ref: string): Promise<EventDocument> {
    const runId = runIdOfCaller();
    return (runId === undefined ? undefined : recent.recall(runId, ref)) ?? (await load(ref));
  }

  /**
   * The receiver stores the event (acknowledged write) before it starts the run, so an event
   * missing now was deleted, or expired (retention keeps no payload): retrying cannot bring it
   * back, and the run fails, visibly, at once.
   */
  function eventNotFound(ref: string): ApplicationFailure {
    return ApplicationFailure.nonRetryable(`event ${ref} not found in the store`, 'EventNotFound');
  }

  /** The config changed since the event was routed: retrying on this worker cannot help. */
  function unknownHandler(name: string, kind: HandlerKind): ApplicationFailure {
    return ApplicationFailure.nonRetryable(`no ${kind} handler "${name}" in this worker's config`, 'UnknownHandler');
  }

  /** An attempt is recorded for operators; failing to record it must not fail (and so repeat) the delivery. */
  function recorder(ref: string): (attempt: AttemptRecord) => Promise<void> {
    return async (attempt) => {
      try {
        await store.recordAttempt(ref, attempt);
      } catch (err) {
        Context.current().log.warn('could not record a handler attempt', { ref, handler: attempt.handler, error: String(err) });
      }
    };
  }

  /** Sets the stored event's status, with the workflow run setting it; an event that does not exist fails the activity, so the workflow sees it. */
  async function recordStatus(ref: string, status: LiveEventStatus, update: Omit<StatusUpdate, 'runId'> = {}): Promise<void> {
    const runId = runIdOfCaller();
    const found = await store.setStatus(ref, status, new Date(), runId === undefined ? update : { ...update, runId });
    if (!found) throw eventNotFound(ref);
  }

  return {
    /**
     * Moves the stored event to `status`; fails if the event does not exist, so the workflow sees it.
     * `currentStatus`: the status the run itself wrote last, when it knows the event cannot have
     * expired since (see `routedHere` in the workflow); the write then skips its lookup.
     */
    async setEventStatus(ref: string, status: LiveEventStatus, note?: string, currentStatus?: LiveEventStatus): Promise<void> {
      await recordStatus(ref, status, { ...(note === undefined ? {} : { note }), ...(currentStatus === undefined ? {} : { currentStatus }) });
      const runId = runIdOfCaller();
      if (runId !== undefined && status !== 'processing') recent.drop(runId);
    },

    /**
     * Which handlers the event goes to, by the routes of its source as this worker's config has
     * them now, and its ordering key. Records the outcome on the stored event in one write: status
     * `processing` (with the ordering key, for listings by key), or `ignored` when no route
     * matches. One local activity for both: each is one more marker in the run's history.
     */
    async routeEvent(ref: string): Promise<RoutePlan> {
      const event = await load(ref);
      const routes = config.sources.get(event.source)?.routes ?? [];
      const plan = planRoutes(routes, config.handlers, {
        source: event.source,
        eventType: event.eventType,
        body: parsedBody(event),
        headers: headerRecord(event),
      });
      const currentStatus = event.status;
      const runId = runIdOfCaller();
      if (runId !== undefined && plan.handlers.length > 0) recent.remember(runId, event);
      if (plan.handlers.length === 0) await recordStatus(ref, 'ignored', { note: 'no route matches this event', currentStatus });
      else await recordStatus(ref, 'processing', { currentStatus, ...(plan.ordering ? { orderingKey: plan.ordering.key } : {}) });
      return plan;
    },

    /**
     * Puts the event in its key's queue: signals the key's sequencer, starting it if it is not
     * running. A ref the sequencer already holds takes no second place (a retry, or a run reset
     * to its start, is only told its place again).
     */
    async enqueueForTurn(sequencerId: string, event: QueuedEvent): Promise<void> {
      const { client, info } = Context.current();
      await client.workflow.signalWithStart(sequenceOrderingKey, {
        workflowId: sequencerId,
        taskQueue: info.taskQueue,
        args: [{}],
        signal: enqueueSignal,
        signalArgs: [event],
      });
    },

    /**
     * Whether the latest run of `workflowId` is still open: the sequencer asks it of the event
     * holding its key's turn, which an operator may have terminated (no `finished` signal then).
     */
    async isRunOpen(workflowId: string): Promise<boolean> {
      try {
        const { status } = await Context.current().client.workflow.getHandle(workflowId).describe();
        return status.name === 'RUNNING';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    },

    /**
     * Asks the handler's permit workflow for a permit, starting it if it is not running. A run that
     * holds one already keeps it, and is told again.
     */
    async requestPermit(permitsId: string, request: PermitRequest): Promise<void> {
      const { client, info } = Context.current();
      await client.workflow.signalWithStart(handlerPermits, {
        workflowId: permitsId,
        taskQueue: info.taskQueue,
        args: [{ handler: request.handler }],
        signal: requestPermitSignal,
        signalArgs: [request],
      });
    },

    /**
     * Applies a handler's circuit breaker change to its task queue, and tells the change: the one
     * place where "breaker opened / half-open / closed" is produced. Resolves false when an
     * operator's pause holds the queue (the breaker leaves it alone).
     */
    async applyBreaker(handler: string, from: BreakerState, to: BreakerState): Promise<boolean> {
      const { client, info, log } = Context.current();
      const queue = { service: client.workflowService, namespace: info.activityNamespace, taskQueue: handlerTaskQueue(info.taskQueue, handler) };
      const applied = await applyBreakerToQueue(queue, 'hookflow-breaker', to);
      log.warn(`circuit breaker of handler ${handler}: ${from} -> ${to}`, { handler, from, to, appliedToQueue: applied });
      await flowFacts?.breakerChanged({ handler, from, to, at: new Date().toISOString() });
      return applied;
    },

    async forwardToHttpHandler(ref: string, name: string): Promise<void> {
      const handler = config.handlers.get(name);
      if (handler?.kind !== 'http') throw unknownHandler(name, 'http');
      const event = await loadForHandler(ref);
      await runAttempt(Context.current(), name, recorder(ref), (ctx) => forwardOverHttp(handler, event, ctx));
    },

    async runModuleHandler(ref: string, name: string): Promise<void> {
      const fn = modules.get(name);
      if (!fn) throw unknownHandler(name, 'module');
      const event = await loadForHandler(ref);
      await runAttempt(Context.current(), name, recorder(ref), (ctx) => runModuleHandler(fn, event, ctx));
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

import type { HandlerConfig } from '../src/config/handlers';
import type { RouteConfig } from '../src/config/routes';
import { orderingKeyOf, sequencerWorkflowId, type KeyedEvent } from '../src/event/ordering-key';
import type { OrderingPlan, PlannedHandler, RoutePlan } from '../workflows/types';
import { routeMatches, type RoutableEvent } from './match-route';

/** What planning looks at: what routes match on, and what ordering keys are read from. */
export interface PlannableEvent extends RoutableEvent, KeyedEvent {
  readonly source: string;
}

/**
 * Every route that matches adds its handlers, in file order. A handler named by two matching routes
 * runs once, with the settings of the first. A failed event waits for an operator as long as the
 * most patient of its matching routes allows. The first matching route that orders its events and
 * finds its key in the event orders the whole event.
 */
export function planRoutes(
  routes: readonly RouteConfig[],
  handlers: ReadonlyMap<string, HandlerConfig>,
  event: PlannableEvent,
): RoutePlan {
  const planned = new Map<string, PlannedHandler>();
  let waitForOperatorMs = 0;
  let ordering: OrderingPlan | undefined;
  for (const route of routes) {
    if (!routeMatches(route.match, event)) continue;
    waitForOperatorMs = Math.max(waitForOperatorMs, route.waitForOperatorMs);
    ordering ??= orderingPlan(route, event);
    for (const name of route.handlers) {
      const handler = handlers.get(name);
      // Config validation refuses routes naming unknown handlers.
      if (handler === undefined || planned.has(name)) continue;
      planned.set(name, plannedHandler(handler, route));
    }
  }
  const handlerList = [...planned.values()];
  return { handlers: handlerList, waitForOperatorMs, ...(ordering && handlerList.length > 0 ? { ordering } : {}) };
}

function orderingPlan(route: RouteConfig, event: PlannableEvent): OrderingPlan | undefined {
  if (!route.ordering) return undefined;
  const key = orderingKeyOf(route.ordering.key, event);
  if (key === undefined) return undefined;
  const { onFailure, reorderWindowMs } = route.ordering;
  return { key, sequencerId: sequencerWorkflowId(event.source, key), onFailure, reorderWindowMs };
}

function plannedHandler(handler: HandlerConfig, route: RouteConfig): PlannedHandler {
  const { expiryMs, ...retry } = route.retry;
  return {
    name: handler.name,
    kind: handler.kind,
    timeoutMs: route.timeoutMs,
    // Leave absent settings out: the plan goes through JSON into the workflow's history.
    ...(route.heartbeatMs === undefined ? {} : { heartbeatMs: route.heartbeatMs }),
    ...(handler.limits.concurrency === undefined ? {} : { concurrency: handler.limits.concurrency }),
    retry: expiryMs === undefined ? retry : { ...retry, expiryMs },
  };
}

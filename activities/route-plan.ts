import type { HandlerConfig } from '../src/config/handlers';
import type { RouteConfig } from '../src/config/routes';
import type { PlannedHandler, RoutePlan } from '../workflows/types';
import { routeMatches, type RoutableEvent } from './match-route';

/**
 * Every route that matches adds its handlers, in file order. A handler named by two matching routes
 * runs once, with the settings of the first. A failed event waits for an operator as long as the
 * most patient of its matching routes allows.
 */
export function planRoutes(
  routes: readonly RouteConfig[],
  handlers: ReadonlyMap<string, HandlerConfig>,
  event: RoutableEvent,
): RoutePlan {
  const planned = new Map<string, PlannedHandler>();
  let waitForOperatorMs = 0;
  for (const route of routes) {
    if (!routeMatches(route.match, event)) continue;
    waitForOperatorMs = Math.max(waitForOperatorMs, route.waitForOperatorMs);
    for (const name of route.handlers) {
      const handler = handlers.get(name);
      // Config validation refuses routes naming unknown handlers.
      if (handler === undefined || planned.has(name)) continue;
      planned.set(name, plannedHandler(handler, route));
    }
  }
  return { handlers: [...planned.values()], waitForOperatorMs };
}

function plannedHandler(handler: HandlerConfig, route: RouteConfig): PlannedHandler {
  const { expiryMs, ...retry } = route.retry;
  return {
    name: handler.name,
    kind: handler.kind,
    timeoutMs: route.timeoutMs,
    // Leave absent settings out: the plan goes through JSON into the workflow's history.
    ...(route.heartbeatMs === undefined ? {} : { heartbeatMs: route.heartbeatMs }),
    retry: expiryMs === undefined ? retry : { ...retry, expiryMs },
  };
}

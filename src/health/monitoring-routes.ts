import type Router from '@koa/router';
import type { HookflowMetrics } from '../metrics/metrics';
import { createRouter } from '../lifecycle/router';
import type { Readiness } from './readiness';

export interface MonitoringDeps {
  readonly metrics: HookflowMetrics;
  readonly readiness: Readiness;
}

/**
 * `/healthz`: the process is up (no I/O). `/readyz`: MongoDB and Temporal answer (200 or 503, with
 * each check). `/metrics`: Prometheus text format from this instance's registry.
 */
export function monitoringRoutes(deps: MonitoringDeps): Router {
  const router = createRouter();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const report = await deps.readiness.check();
    ctx.status = report.ready ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: report.ready ? 'ready' : 'not_ready', checks: report.checks };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  return router;
}

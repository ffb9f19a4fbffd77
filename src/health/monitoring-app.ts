import Koa from 'koa';
import { monitoringRoutes, type MonitoringDeps } from './monitoring-routes';

/** The monitoring endpoints alone, for METRICS_PORT: how a worker-only process is scraped and probed. */
export function createMonitoringApp(deps: MonitoringDeps): Koa {
  const app = new Koa();
  app.use(monitoringRoutes(deps).routes());
  return app;
}

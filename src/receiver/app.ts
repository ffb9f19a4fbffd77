import Koa, { type Middleware } from 'koa';
import { adminRouter, type AdminDeps } from '../admin/routes';
import { monitoringRoutes, type MonitoringDeps } from '../health/monitoring-routes';
import { StoreNotReadyError } from '../lifecycle/store-setup';
import type { HookflowMetrics } from '../metrics/metrics';
import { observeWebhooks } from '../metrics/webhook-outcomes';
import { errorAnswers } from './answers';
import type { DeliveriesInProgress } from './deliveries-in-progress';
import { receiveWebhook, type ReceiverDeps } from './receive-webhook';
import { createRouter } from '../lifecycle/router';

/** What the service adds around the webhook endpoint; each part is optional for tests that need none. */
export interface ReceiverExtras {
  /** Where webhook outcomes are counted. */
  readonly metrics?: HookflowMetrics;
  /** Counts the deliveries being answered (the starter waits while there are many). */
  readonly deliveries?: DeliveriesInProgress;
  /** /metrics, /healthz and /readyz on this port: only when METRICS_PORT does not give them their own. */
  readonly monitoring?: MonitoringDeps;
  /** Webhooks are answered 503 until the store is set up (its indexes exist). */
  readonly storeReady?: () => boolean;
  /** `/admin`, mounted only when a token is configured: otherwise it does not exist (404). */
  readonly admin?: AdminDeps;
}

/** The HTTP surface: every endpoint behind the one error handler that decides every answer. */
export function createReceiverApp(deps: ReceiverDeps, extras: ReceiverExtras = {}): Koa {
  const app = new Koa();
  // What reaches here is the connection's, not a handler's (errorAnswers takes those): a sender that
  // hung up, broke the framing or was too slow. Koa would print each stack to stderr, at a sender's will.
  app.on('error', (err: NodeJS.ErrnoException) => deps.logger.debug({ err: { name: err.name, code: err.code } }, 'connection ended with an error'));
  app.use(errorAnswers(deps.logger));
  if (extras.monitoring) app.use(monitoringRoutes(extras.monitoring).routes());
  if (extras.admin) app.use(adminRouter(extras.admin).routes());

  const webhook: Middleware[] = [];
  if (extras.deliveries) webhook.push(extras.deliveries.counting());
  if (extras.metrics) webhook.push(observeWebhooks(extras.metrics, deps.config));
  const { storeReady } = extras;
  if (storeReady) {
    webhook.push((_ctx, next) => {
      if (!storeReady()) throw new StoreNotReadyError('The event store is not set up yet');
      return next();
    });
  }
  const router = createRouter();
  router.all('/webhooks/:source', ...webhook, receiveWebhook(deps));
  app.use(router.routes());
  return app;
}

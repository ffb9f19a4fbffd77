import Router from '@koa/router';
import Koa from 'koa';
import { errorAnswers } from './answers';
import { receiveWebhook, type ReceiverDeps } from './receive-webhook';

/** The HTTP surface: webhook endpoints behind the one error handler that decides every answer. */
export function createReceiverApp(deps: ReceiverDeps): Koa {
  const app = new Koa();
  const router = new Router();
  router.all('/webhooks/:source', receiveWebhook(deps));
  app.use(errorAnswers(deps.logger));
  app.use(router.routes());
  return app;
}

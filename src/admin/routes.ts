import type Router from '@koa/router';
import { z } from 'zod';
import type { Logger } from '../logger';
import type { EventRef, OpsContext } from '../ops/context';
import { listEvents, parseEventFilter, parseLimit, showEvent } from '../ops/events';
import { listHandlers, pauseHandler, resumeHandler, type HandlerConfigs } from '../ops/handlers';
import { replayEvent, signalEvent } from '../ops/runs';
import { createRouter } from '../lifecycle/router';
import { bearerAuth } from './auth';
import { jsonBody } from './json-body';

export interface AdminDeps {
  readonly token: string;
  readonly ops: OpsContext;
  /** The config's handlers, which `/admin/handlers` lists, pauses and resumes. */
  readonly handlers: HandlerConfigs;
  readonly logger: Logger;
}

const MAX_LIST = 1000;
const shortText = (max: number) => z.string().min(1).max(max);
const replayBody = z.object({ force: z.boolean().optional() }).strict();
const redeliverBody = z.object({ handler: shortText(200).optional() }).strict();
const discardBody = z.object({ reason: shortText(1000).optional() }).strict();
const pauseBody = z.object({ reason: shortText(200).optional() }).strict();
const noBody = z.object({}).strict();

/**
 * `/admin`: list, show, replay, redeliver and discard events, list, pause and resume handlers, over
 * HTTP, through the same library as the CLI.
 * The one router decides both what is an admin path and that it needs the token: the check is its
 * own first middleware, which @koa/router runs for every request one of its routes matches, and the
 * catch-all route last makes that every path under `/admin`. So no path reaches an admin handler
 * without the check, and unknown ones get the 401 too: the surface cannot be explored without the
 * token. The router is case-sensitive and strict (src/lifecycle/router.ts): `/ADMIN/events` is no
 * admin path at all, and answers 404.
 */
export function adminRouter(deps: AdminDeps): Router {
  const { ops, logger } = deps;
  const router = createRouter('/admin');
  router.use(bearerAuth(deps.token, logger));
  const done = (action: string, ref: EventRef): void => {
    logger.info({ source: ref.source, eventId: ref.eventId, workflowId: ref.workflowId, action, by: 'admin-api' }, 'operator action');
  };

  router.get('/events', async (ctx) => {
    const q = (name: string): string | undefined => first(ctx.query[name]);
    const query = parseEventFilter({ source: q('source'), status: q('status'), type: q('type'), since: q('since'), until: q('until'), key: q('key') });
    ctx.body = { events: await listEvents(ops, query, parseLimit(q('limit'), 50, MAX_LIST)) };
  });
  router.get('/events/:id', async (ctx) => {
    ctx.body = await showEvent(ops, ctx.params.id ?? '', {
      body: first(ctx.query.body) === 'true',
      query: first(ctx.query.query) !== 'false',
    });
  });
  router.post('/events/:id/replay', async (ctx) => {
    const { force } = await jsonBody(ctx, replayBody);
    const result = await replayEvent(ops, ctx.params.id ?? '', { force: force === true });
    done('replay', result);
    ctx.body = result;
  });
  router.post('/events/:id/redeliver', async (ctx) => {
    const { handler } = await jsonBody(ctx, redeliverBody);
    const result = await signalEvent(ops, ctx.params.id ?? '', 'redeliver', handler === undefined ? {} : { handler });
    done('redeliver', result);
    ctx.body = result;
  });
  router.post('/events/:id/discard', async (ctx) => {
    const { reason } = await jsonBody(ctx, discardBody);
    const result = await signalEvent(ops, ctx.params.id ?? '', 'discard', reason === undefined ? {} : { reason });
    done('discard', result);
    ctx.body = result;
  });
  router.get('/handlers', async (ctx) => {
    ctx.body = { handlers: await listHandlers(ops, deps.handlers) };
  });
  router.post('/handlers/:name/pause', async (ctx) => {
    const { reason } = await jsonBody(ctx, pauseBody);
    const handler = await pauseHandler(ops, deps.handlers, ctx.params.name ?? '', reason);
    logger.info({ handler: handler.name, action: 'pause', by: 'admin-api' }, 'operator action');
    ctx.body = handler;
  });
  router.post('/handlers/:name/resume', async (ctx) => {
    await jsonBody(ctx, noBody);
    const handler = await resumeHandler(ops, deps.handlers, ctx.params.name ?? '');
    logger.info({ handler: handler.name, action: 'resume', by: 'admin-api' }, 'operator action');
    ctx.body = handler;
  });
  // Everything else under /admin, any method: past the token check, a plain 404.
  router.all(['/', '{/*rest}'], () => {});
  return router;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

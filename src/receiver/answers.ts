import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { HttpRefusal, RETRY_AFTER } from '../http-refusal';
import { StoreNotReadyError } from '../lifecycle/store-setup';
import { isUnavailable } from '../store/mongo';

/** MongoDB unreachable, or not set up yet: nothing was stored, so the client may simply retry. */
export function isStoreUnavailable(err: unknown): boolean {
  return err instanceof StoreNotReadyError || isUnavailable(err);
}

/**
 * Turns every error into a JSON answer. A refusal (src/http-refusal.ts) answers with its own
 * status, headers, reason and message; the store being unavailable is a 503; anything else is
 * logged and answered without detail, so nothing internal leaks.
 */
export function errorAnswers(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof HttpRefusal) {
        ctx.status = err.status;
        ctx.set(err.headers);
        ctx.body = { error: err.reason, message: err.message };
      } else if (isStoreUnavailable(err)) {
        logger.warn({ err: { name: (err as Error).name } }, 'store unavailable; answering 503');
        ctx.status = 503;
        ctx.set(RETRY_AFTER);
        ctx.body = { error: 'store_unavailable', message: 'Try again later' };
      } else {
        logger.error({ err }, 'unexpected error while handling a request');
        ctx.status = 500;
        ctx.body = { error: 'internal_error', message: 'Internal error' };
      }
      // Refused with body bytes still to come (from its headers, or past a limit mid-body): the
      // connection closes after the answer, so the sender cannot go on streaming into it.
      if (!ctx.req.complete) ctx.set('Connection', 'close');
    }
  };
}

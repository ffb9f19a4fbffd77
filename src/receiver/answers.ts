import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { AdminAuthRejection, AdminAuthThrottled } from '../admin/auth';
import { StoreNotReadyError } from '../lifecycle/store-setup';
import { OpsError, type OpsErrorCode } from '../ops/errors';
import { WebhookRejection, type RejectReason } from '../providers/rejection';
import { isUnavailable } from '../store/mongo';

/** The one place that decides which HTTP status each refusal gets. */
export const statusFor: Readonly<Record<RejectReason, number>> = {
  missing_signature: 401,
  malformed_signature: 401,
  invalid_signature: 401,
  missing_timestamp: 401,
  malformed_timestamp: 401,
  timestamp_too_old: 401,
  timestamp_in_future: 401,
  missing_header: 401,
  unknown_source: 404,
  method_not_allowed: 405,
  unsupported_media_type: 415,
  payload_too_large: 413,
  invalid_body: 400,
  event_id_conflict: 409,
  receiver_busy: 503,
  backlog_full: 503,
  store_slow: 503,
  // Nobody reads it: the sender hung up before its event was stored (nothing was).
  sender_gone: 400,
};

/** Refusals that mean "not now": the sender is told when to try again. */
const RETRY_LATER: ReadonlySet<RejectReason> = new Set(['receiver_busy', 'backlog_full', 'store_slow']);

/** Seconds a sender is asked to wait after a 503: the store coming back, bodies in progress or the backlog draining. */
const RETRY_AFTER_SECONDS = '5';

/** Statuses of the admin API's refusals. */
export const statusForOps: Readonly<Record<OpsErrorCode, number>> = {
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
};

/**
 * Turns every error into a JSON answer. A rejection's reason and short message are shown to the
 * sender; anything else is logged and answered without detail, so nothing internal leaks.
 * MongoDB being unreachable (or not set up yet) is a 503: the provider will retry, and nothing was
 * acknowledged, as is a receiver holding as many bodies as it may (receiver_busy). The admin API's
 * refusals carry their own short, safe messages.
 */
export function errorAnswers(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof WebhookRejection) {
        ctx.status = statusFor[err.reason];
        ctx.body = { error: err.reason, message: err.message };
        if (err.reason === 'method_not_allowed') ctx.set('Allow', 'POST');
        if (RETRY_LATER.has(err.reason)) ctx.set('Retry-After', RETRY_AFTER_SECONDS);
        ctx.state.rejection = err.reason;
      } else if (err instanceof AdminAuthRejection) {
        ctx.status = 401;
        ctx.set('WWW-Authenticate', `Bearer realm="hookflow-admin"${err.problem === 'invalid_token' ? ', error="invalid_token"' : ''}`);
        ctx.body = { error: err.problem, message: err.message };
      } else if (err instanceof AdminAuthThrottled) {
        ctx.status = 429;
        ctx.set('Retry-After', String(err.retryAfterSeconds));
        ctx.body = { error: 'too_many_failures', message: err.message };
      } else if (err instanceof OpsError) {
        ctx.status = statusForOps[err.code];
        if (err.code === 'unavailable') ctx.set('Retry-After', RETRY_AFTER_SECONDS);
        ctx.body = { error: err.code, message: err.message };
      } else if (err instanceof StoreNotReadyError || isUnavailable(err)) {
        logger.warn({ err: { name: (err as Error).name } }, 'store unavailable; answering 503');
        ctx.status = 503;
        ctx.set('Retry-After', RETRY_AFTER_SECONDS);
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

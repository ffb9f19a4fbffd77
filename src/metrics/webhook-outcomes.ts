import type { Middleware } from 'koa';
import type { HookflowConfig } from '../config/sources';
import { HttpRefusal } from '../http-refusal';
import { isStoreUnavailable } from '../receiver/answers';
import type { HookflowMetrics, WebhookOutcome } from './metrics';

/**
 * Counts each webhook request by source and outcome and times its answer. Runs around the webhook
 * handler, inside the error handler, so it sees the rejection itself. A path naming no configured
 * source counts as `unknown`: a scanner cannot make up label values.
 */
export function observeWebhooks(metrics: HookflowMetrics, config: HookflowConfig): Middleware {
  return async (ctx, next) => {
    const end = process.hrtime.bigint;
    const started = end();
    const name = String(ctx.params?.source ?? '');
    const source = config.sources.has(name) ? name : 'unknown';
    let outcome: WebhookOutcome = 'error';
    let reason = '';
    try {
      await next();
      outcome = answered(ctx.status, ctx.body);
    } catch (err) {
      // Labelled as src/receiver/answers.ts answers it.
      if (err instanceof HttpRefusal) {
        // A 503 (receiver_busy, backlog_full, store_slow) refuses nothing about the delivery: it is to be retried.
        outcome = err.status >= 500 ? 'unavailable' : 'rejected';
        reason = err.reason;
      } else if (isStoreUnavailable(err)) {
        outcome = 'unavailable';
      }
      throw err;
    } finally {
      metrics.webhookRequests.inc({ source, outcome, reason });
      metrics.acknowledgeSeconds.observe({ source, outcome }, Number(end() - started) / 1e9);
    }
  };
}

/** 202 is a new event; 200 is a duplicate (its body says so) or a provider handshake. */
function answered(status: number, body: unknown): WebhookOutcome {
  if (status === 202) return 'accepted';
  const duplicate = typeof body === 'object' && body !== null && 'status' in body && body.status === 'duplicate';
  return duplicate ? 'duplicate' : 'handshake';
}

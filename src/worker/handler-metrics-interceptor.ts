import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { parseEventKey } from '../event/key';
import type { HandlerMetrics } from '../metrics/handler-metrics';

/** The activities that run one handler on one event, called as (ref, handlerName). */
const HANDLER_ACTIVITIES: ReadonlySet<string> = new Set<keyof Activities>(['forwardToHttpHandler', 'runModuleHandler']);

/**
 * Records every handler attempt the worker runs (outcome and duration), and the attempts after which
 * the event is parked: a non-retryable failure, or the last attempt the retry policy allows. From the
 * outside of the activities, so handler code needs no metrics calls. `onOutcome` hears each attempt
 * that succeeded or failed and may be retried: the circuit breakers' counts. Not counted: an attempt
 * cancelled by a discard or a shutdown, and a refusal for good (non-retryable: the handler judged
 * this event, not its own health; the event parks, the handler keeps going).
 */
export function handlerMetricsInterceptor(metrics: HandlerMetrics | undefined, onOutcome?: (handler: string, succeeded: boolean) => void): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const [ref, handler] = input.args;
        if (!HANDLER_ACTIVITIES.has(ctx.info.activityType) || typeof ref !== 'string' || typeof handler !== 'string') {
          return next(input);
        }
        const { source } = parseEventKey(ref);
        const started = performance.now();
        const seconds = (): number => (performance.now() - started) / 1000;
        try {
          const result = await next(input);
          metrics?.recordAttempt({ source, handler, outcome: 'succeeded', seconds: seconds() });
          onOutcome?.(handler, true);
          return result;
        } catch (err) {
          metrics?.recordAttempt({ source, handler, outcome: 'failed', seconds: seconds() });
          const refused = err instanceof ApplicationFailure && err.nonRetryable;
          if (!(err instanceof CancelledFailure) && !refused) onOutcome?.(handler, false);
          const maxAttempts = ctx.info.retryPolicy?.maximumAttempts ?? 0;
          const last = refused || (maxAttempts > 0 && ctx.info.attempt >= maxAttempts);
          if (last) metrics?.recordExhausted(source, handler);
          throw err;
        }
      },
    },
  });
}

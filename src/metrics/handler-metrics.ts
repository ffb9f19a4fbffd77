import { Counter, Histogram, type Registry } from 'prom-client';

export type HandlerOutcome = 'succeeded' | 'failed';

export interface HandlerAttempt {
  readonly source: string;
  /** The handler's configured name: a bounded set, safe as a label. */
  readonly handler: string;
  readonly outcome: HandlerOutcome;
  readonly seconds: number;
}

/**
 * What the worker's handler activities report, one call per attempt when it ends. Activities get an
 * implementation when the worker is built (noHandlerMetrics in tests that do not look).
 */
export interface HandlerMetrics {
  recordAttempt(attempt: HandlerAttempt): void;
  /** Retries are exhausted: the event is parked as failed, waiting for an operator. */
  recordExhausted(source: string, handler: string): void;
}

export const noHandlerMetrics: HandlerMetrics = {
  recordAttempt() {},
  recordExhausted() {},
};

export function createHandlerMetrics(registry: Registry): HandlerMetrics {
  const attempts = new Counter({
    name: 'hookflow_handler_attempts_total',
    help: 'Handler attempts by source, handler and outcome (succeeded, failed)',
    labelNames: ['source', 'handler', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hookflow_handler_attempt_seconds',
    help: 'Duration of one handler attempt',
    labelNames: ['source', 'handler'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const exhausted = new Counter({
    name: 'hookflow_handler_exhausted_total',
    help: 'Events parked as failed after a handler ran out of retries',
    labelNames: ['source', 'handler'] as const,
    registers: [registry],
  });
  return {
    recordAttempt({ source, handler, outcome, seconds }) {
      attempts.inc({ source, handler, outcome });
      duration.observe({ source, handler }, seconds);
    },
    recordExhausted(source, handler) {
      exhausted.inc({ source, handler });
    },
  };
}

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueFlow } from '../flow/queue-limits';
import { createHandlerMetrics, type HandlerMetrics } from './handler-metrics';

/** How a webhook request ended. `rejected` carries the rejection reason as a label. */
export type WebhookOutcome = 'accepted' | 'duplicate' | 'handshake' | 'rejected' | 'unavailable' | 'error';

/** Values read when Prometheus scrapes, so nothing polls in between. */
export interface ScrapedValues {
  /** Events stored whose workflow is not started yet (kept in memory by the starter). */
  readonly pendingStarts?: () => number;
  /** When the oldest of those was received (null: none). */
  readonly oldestPendingStart?: () => Promise<Date | null>;
  /** Runs started and not finished yet. */
  readonly openRuns?: () => Promise<number>;
  /** Whether this process's worker is polling Temporal. */
  readonly workerRunning?: () => boolean;
  /** Each handler's pause and waiting attempts, by handler name. */
  readonly handlerFlows?: () => Promise<ReadonlyMap<string, QueueFlow>>;
}

export interface HookflowMetrics {
  /** This instance's own registry: several apps in one process (tests) never share counters. */
  readonly registry: Registry;
  readonly webhookRequests: Counter<'source' | 'outcome' | 'reason'>;
  readonly acknowledgeSeconds: Histogram<'source' | 'outcome'>;
  readonly workflowStartSeconds: Histogram<'outcome'>;
  readonly handlers: HandlerMetrics;
}

/** A scrape must stay cheap even when MongoDB is slow: the backlog keeps its last value then. */
const SCRAPE_QUERY_MS = 1000;

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(values: ScrapedValues = {}): HookflowMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { pendingStarts, oldestPendingStart, openRuns, workerRunning, handlerFlows } = values;
  if (pendingStarts) {
    new Gauge({
      name: 'hookflow_pending_starts',
      help: 'Events stored and acknowledged whose workflow is not started yet, all receivers together',
      registers: [registry],
      collect() {
        this.set(pendingStarts());
      },
    });
  }
  if (oldestPendingStart) {
    new Gauge({
      name: 'hookflow_oldest_pending_start_age_seconds',
      help: 'Age of the oldest event whose workflow is not started yet; 0 when none is (last successful read)',
      registers: [registry],
      async collect() {
        const oldest = await withinMs(oldestPendingStart(), SCRAPE_QUERY_MS);
        if (oldest !== undefined) this.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest.getTime()) / 1000));
      },
    });
  }
  if (openRuns) {
    new Gauge({
      name: 'hookflow_open_runs',
      help: "Workflow runs on this receiver's task queue started and not finished yet, parked ones included (last successful count)",
      registers: [registry],
      async collect() {
        const count = await withinMs(openRuns(), SCRAPE_QUERY_MS);
        if (count !== undefined) this.set(count);
      },
    });
  }
  if (workerRunning) {
    new Gauge({
      name: 'hookflow_worker_running',
      help: '1 when this process runs a worker that is connected and polling, else 0',
      registers: [registry],
      collect() {
        this.set(workerRunning() ? 1 : 0);
      },
    });
  }
  if (handlerFlows) handlerFlowGauges(registry, handlerFlows);
  return {
    registry,
    webhookRequests: new Counter({
      name: 'hookflow_webhook_requests_total',
      help: 'Webhook requests by source and outcome; reason is set for rejected ones',
      labelNames: ['source', 'outcome', 'reason'] as const,
      registers: [registry],
    }),
    acknowledgeSeconds: new Histogram({
      name: 'hookflow_webhook_ack_seconds',
      help: 'Time from receiving a webhook request to answering it',
      labelNames: ['source', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    workflowStartSeconds: new Histogram({
      name: 'hookflow_workflow_start_seconds',
      help: 'Duration of workflow start calls to Temporal (receiver and relay) by outcome',
      labelNames: ['outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    handlers: createHandlerMetrics(registry),
  };
}

/** Four gauges per handler from one read of its task queue (the caller bounds how often it reads). */
function handlerFlowGauges(registry: Registry, read: () => Promise<ReadonlyMap<string, QueueFlow>>): void {
  const gauge = (name: string, help: string, value: (flow: QueueFlow) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['handler'] as const,
      registers: [registry],
      async collect() {
        const flows = await withinMs(read(), SCRAPE_QUERY_MS);
        for (const [handler, flow] of flows ?? []) this.set({ handler }, value(flow));
      },
    });
  };
  gauge('hookflow_handler_paused', '1 while the handler is paused (hookflow handlers pause), else 0', (flow) => (flow.paused ? 1 : 0));
  gauge('hookflow_handler_breaker_state', "The handler's circuit breaker: 0 closed, 1 half-open (one probe may go), 2 open (holding its attempts)", (flow) =>
    flow.breaker === 'open' ? 2 : flow.breaker === 'half-open' ? 1 : 0,
  );
  gauge('hookflow_handler_waiting_attempts', "Attempts waiting in the handler's task queue for its rate limit, its pause or a worker (Temporal's approximate count)", (flow) => flow.backlog);
  gauge('hookflow_handler_oldest_wait_seconds', "How long the oldest attempt waiting in the handler's task queue has waited; 0 when none waits", (flow) => flow.oldestWaitSeconds);
}

/** The value, or undefined when it fails or takes longer than `ms`. */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

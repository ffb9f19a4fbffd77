import { fork } from 'node:child_process';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../../activities';
import { createAlertActivities } from '../../activities/alerts';
import { breakerAlerts } from '../alerts/breaker-alerts';
import { alertLinks } from '../alerts/messages';
import { DEFAULT_TEMPORAL_UI_URL } from '../ops/context';
import type { HookflowConfig } from '../config/sources';
import type { BreakerSettings } from '../config/handlers';
import type { FlowFacts } from '../flow/flow-facts';
import { handlerTaskQueue } from '../flow/handler-queues';
import { OutcomeReporter } from '../flow/outcome-reporter';
import type { Logger } from '../logger';
import { handlerMetricsInterceptor } from './handler-metrics-interceptor';
import { WorkerGroup } from './worker-group';
import type { HandlerMetrics } from '../metrics/handler-metrics';
import type { EventStore } from '../store/events';
import { PendingStartStore } from '../store/pending-starts';

export interface WorkerDeps {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly store: EventStore;
  /** Routes and handlers (with their secrets) live here, in the worker, never in workflow histories. */
  readonly config: HookflowConfig;
  /** A pre-built bundle (see bundleWorkflows); bundled once per process in a child otherwise. */
  readonly workflowBundle?: WorkflowBundle;
  /** Where handler attempts are counted (src/metrics); none when omitted. */
  readonly handlerMetrics?: HandlerMetrics;
  /** Read by the backlog alerts; default: the store's database. */
  readonly pendingStarts?: PendingStartStore;
  /** Base of the links in alerts; default: the dev server's UI. */
  readonly temporalUiUrl?: string;
  /** Where the breaker reporter's warnings go; silent when omitted. */
  readonly logger?: Logger;
  /** Told of flow control's facts (breaker changes); default: the configured alert notifiers. */
  readonly flowFacts?: FlowFacts;
  /** WORKER_MAX_CACHED_WORKFLOWS; the SDK's heap-derived default when omitted. */
  readonly maxCachedWorkflows?: number;
}

const workflowsPath = require.resolve('../../workflows');

export function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

let childBundle: Promise<WorkflowBundle> | undefined;

/**
 * The workflows bundled in a short-lived child process, once per process (a worker re-created
 * after a lost connection reuses it). Webpack's memory would otherwise stay with the worker for
 * its whole life: V8 keeps the heap it grew to, and bundling is the largest it ever grows.
 */
export function bundleWorkflowsInChild(): Promise<WorkflowBundle> {
  childBundle ??= new Promise<WorkflowBundle>((resolve, reject) => {
    const child = fork(require.resolve('./bundle-child'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer: { code?: string; error?: string } | undefined;
    child.on('message', (message: { code?: string; error?: string }) => (answer = message));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (typeof answer?.code === 'string') resolve({ code: answer.code });
      else reject(new Error(`bundling the workflows failed (${answer?.error ?? `exit ${code ?? signal}`})`));
    });
  });
  childBundle.catch(() => (childBundle = undefined)); // let the next worker creation try again
  return childBundle;
}

/**
 * The event runs' worker (workflows, their local activities, and handler attempts scheduled on the
 * event queue by runs older than per-handler queues) and one activity worker per handler, on the
 * handler's own task queue. A handler's `rate` goes to Temporal as that queue's limit: the server
 * enforces it across every worker polling the queue.
 */
export async function createWorker(deps: WorkerDeps): Promise<WorkerGroup> {
  const client = new Client({ connection: deps.connection, namespace: deps.namespace });
  const flowFacts = deps.flowFacts ?? breakerAlerts(client, deps.taskQueue, deps.config.alerts);
  const activities = createActivities(deps.store, deps.config, flowFacts);
  const breakers = new Map<string, BreakerSettings>();
  for (const handler of deps.config.handlers.values()) if (handler.breaker) breakers.set(handler.name, handler.breaker);
  const reporter = new OutcomeReporter(client, deps.taskQueue, breakers, deps.logger ?? pino({ level: 'silent' }));
  const interceptor = handlerMetricsInterceptor(deps.handlerMetrics, (handler, succeeded) => reporter.record(handler, succeeded));
  const common: Pick<WorkerOptions, 'connection' | 'namespace' | 'activities' | 'shutdownGraceTime' | 'interceptors'> = {
    connection: deps.connection,
    namespace: deps.namespace,
    activities,
    // At shutdown, handler attempts in flight get this long to finish before they are cancelled
    // (a cancelled attempt is retried by another worker); within STOP_TIMEOUT_MS's default.
    shutdownGraceTime: '10 seconds',
    interceptors: { activity: [interceptor] },
  };
  const alertActivities = createAlertActivities({
    alerts: deps.config.alerts,
    handlers: [...deps.config.handlers.keys()],
    pendingStarts: deps.pendingStarts ?? new PendingStartStore(deps.store.collection.db),
    links: alertLinks(deps.temporalUiUrl ?? DEFAULT_TEMPORAL_UI_URL, deps.namespace),
  });
  const eventWorker = await Worker.create({
    ...common,
    // Alerts are sent by workflows on the event queue; handler queues run handler attempts only.
    activities: { ...activities, ...alertActivities },
    taskQueue: deps.taskQueue,
    ...(deps.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: deps.maxCachedWorkflows }),
    workflowBundle: deps.workflowBundle ?? (await bundleWorkflowsInChild()),
  });
  const handlerWorkers = await Promise.all(
    [...deps.config.handlers.values()].map((handler) =>
      Worker.create({
        ...common,
        taskQueue: handlerTaskQueue(deps.taskQueue, handler.name),
        ...(handler.limits.ratePerSecond === undefined ? {} : { maxTaskQueueActivitiesPerSecond: handler.limits.ratePerSecond }),
      }),
    ),
  );
  return new WorkerGroup([eventWorker, ...handlerWorkers], reporter);
}

/** The bundler reports each build at info level; only its warnings and errors matter here. */
const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

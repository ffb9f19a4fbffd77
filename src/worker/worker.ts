import { fork } from 'node:child_process';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createAlertActivities } from '../../activities/alerts';
import { alertLinks } from '../alerts/messages';
import { DEFAULT_TEMPORAL_UI_URL } from '../ops/context';
import type { HookflowConfig } from '../config/sources';
import { handlerMetricsInterceptor } from './handler-metrics-interceptor';
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

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    workflowBundle: deps.workflowBundle ?? (await bundleWorkflowsInChild()),
    activities: {
      ...createActivities(deps.store, deps.config),
      ...createAlertActivities({
        alerts: deps.config.alerts,
        pendingStarts: deps.pendingStarts ?? new PendingStartStore(deps.store.collection.db),
        links: alertLinks(deps.temporalUiUrl ?? DEFAULT_TEMPORAL_UI_URL, deps.namespace),
      }),
    },
    // At shutdown, handler attempts in flight get this long to finish before they are cancelled
    // (a cancelled attempt is retried by another worker); within STOP_TIMEOUT_MS's default.
    shutdownGraceTime: '10 seconds',
    ...(deps.handlerMetrics ? { interceptors: { activity: [handlerMetricsInterceptor(deps.handlerMetrics)] } } : {}),
  });
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

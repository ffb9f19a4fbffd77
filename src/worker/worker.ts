import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { HookflowConfig } from '../config/sources';
import { handlerMetricsInterceptor } from '../metrics/handler-interceptor';
import type { HandlerMetrics } from '../metrics/handler-metrics';
import type { EventStore } from '../store/events';

export interface WorkerDeps {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly store: EventStore;
  /** Routes and handlers (with their secrets) live here, in the worker, never in workflow histories. */
  readonly config: HookflowConfig;
  /** A pre-built bundle (see bundleWorkflows) saves the few seconds of bundling at each start. */
  readonly workflowBundle?: WorkflowBundle;
  /** Where handler attempts are counted (src/metrics); none when omitted. */
  readonly handlerMetrics?: HandlerMetrics;
}

const workflowsPath = require.resolve('../../workflows');

export function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

export function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath }),
    activities: createActivities(deps.store, deps.config),
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

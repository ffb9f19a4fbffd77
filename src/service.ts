import type { Client } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import type { MongoClient } from 'mongodb';
import { BacklogWatch } from './alerts/backlog-watch';
import { checkBodyLimits } from './config/body-limits';
import { describeHandlerFlows } from './flow/queue-limits';
import { handlerTaskQueue } from './flow/handler-queues';
import type { Env } from './config/env';
import type { HookflowConfig } from './config/sources';
import { temporalConnectionOptions } from './config/temporal-connection';
import { createMonitoringApp } from './health/monitoring-app';
import { readAtMostEvery } from './health/read-at-most-every';
import { createReadiness } from './health/readiness';
import { startHttpServer, type HttpServer } from './lifecycle/http-server';
import { StoreSetup } from './lifecycle/store-setup';
import type { WorkerRunner } from './worker/runner';
import type { Logger } from './logger';
import { createMetrics, type HookflowMetrics } from './metrics/metrics';
import { startLatencyInterceptor } from './metrics/start-latency';
import { createOpsContext, temporalUiBaseUrl } from './ops/context';
import { createReceiverApp } from './receiver/app';
import { BodyBudget } from './receiver/body-budget';
import { DeliveriesInProgress } from './receiver/deliveries-in-progress';
import { LoadShedding } from './receiver/load-shedding';
import { EventStore } from './store/events';
import { createMongo, MONITOR_STALL_MS } from './store/mongo';
import { MonitorWatchdog } from './store/monitor-watchdog';
import { OperatorActionLog } from './store/operator-actions';
import { PendingStartStore } from './store/pending-starts';
import { RejectionLog } from './store/rejections';
import { RetentionSweeper } from './store/retention';
import { checkTemporalAccess } from './temporal/access-check';
import { createTemporalClient } from './temporal/client';
import { countOpenRuns } from './temporal/open-runs';
import { SearchAttributeRegistration, type RegistrationOutcome } from './temporal/register-search-attributes';
import { StartRelay } from './temporal/relay';
import { EventStarter } from './temporal/starter';

export interface HookflowOptions {
  readonly env: Env;
  readonly config: HookflowConfig;
  readonly logger: Logger;
  readonly temporalAddress: string;
  readonly mongoUrl: string;
  readonly receiver: boolean;
  readonly worker: boolean;
  readonly workflowBundle?: WorkflowBundle;
}

export interface RunningHookflow {
  /** The receiver's base URL, when it runs. */
  readonly url: string | undefined;
  /** The monitoring server's base URL, when METRICS_PORT is set. */
  readonly monitoringUrl: string | undefined;
  readonly store: EventStore;
  /** The one MongoDB client of this process (a test observes its commands). */
  readonly mongo: MongoClient;
  readonly temporal: Client;
  readonly relay: StartRelay | undefined;
  /** The receiver's starter, when it runs. */
  readonly starter: EventStarter | undefined;
  readonly pendingStarts: PendingStartStore;
  readonly metrics: HookflowMetrics;
  /** Resolves true once the store's indexes exist (false if stopped first). */
  storeReady(): Promise<boolean>;
  /** Resolves once the search attributes are registered, found, or refused by the server. */
  searchAttributesSettled(): Promise<RegistrationOutcome>;
  stop(): Promise<void>;
}

/** How long requests in flight get to finish at stop before their connections are cut. */
const DRAIN_MS = 10_000;
/** How long the start-up check waits for Temporal before starting anyway. */
const ACCESS_CHECK_MS = 5000;
/** How long a relay leaves a pending start to the starter of the receiver that recorded it. */
const PENDING_START_LEASE_MS = 30_000;
/** How often the starter counts every receiver's pending starts (the backlog bound's input). */
const BACKLOG_RECOUNT_MS = 1000;
/** More deliveries than this in progress at once are a burst: the starter lets their answers go first. */
const BURST_DELIVERIES = 8;
/** A scrape shows the last count after a second anyway (metrics.ts): the count (or a handler queue read) itself stops soon after. */
const OPEN_RUNS_COUNT_MS = 2000;

/**
 * Starts the receiver (with its relay), the worker, or both, sharing one MongoDB client. Neither
 * server has to be up yet: if the store cannot be set up at once it is retried in the background
 * (the receiver answers 503 until then), and the worker connects in the background, retrying.
 * Only a Temporal that answers but refuses the TLS settings or credentials stops the start (a
 * ConfigError naming the setting to fix).
 */
export async function startHookflow(opts: HookflowOptions): Promise<RunningHookflow> {
  const { env, logger } = opts;
  const connection = temporalConnectionOptions(env, opts.temporalAddress);
  const access = await checkTemporalAccess(connection, ACCESS_CHECK_MS);
  if (access.outcome === 'unreachable') {
    const { address } = connection;
    logger.warn({ address, ...(access.possibleCause === undefined ? {} : { possibleCause: access.possibleCause }) }, 'Temporal does not answer yet; starting anyway, connecting once it does');
  }
  if (opts.receiver) checkBodyLimits(opts.config, env.MAX_BUFFERED_BODY_BYTES);
  const mongo = createMongo(opts.mongoUrl, env.MONGO_DB);
  const mongoWatchdog = new MonitorWatchdog(mongo.client, logger, MONITOR_STALL_MS);
  mongoWatchdog.start();
  const store = new EventStore(mongo.db);
  const pendingStarts = new PendingStartStore(mongo.db);
  const rejections = new RejectionLog(mongo.db);
  const actions = new OperatorActionLog(mongo.db);
  const storeSetup = new StoreSetup(async () => {
    // An explicit connect each attempt: after a failed first connection the driver's client stays
    // closed ("Topology is closed") until connect() is called again.
    await mongo.client.connect();
    await Promise.all([store.ensureIndexes(), pendingStarts.ensureIndexes(), rejections.ensureCollection(), actions.ensureIndexes()]);
  }, logger);
  let worker: WorkerRunner | undefined;
  if (opts.worker) {
    // Loaded only where a worker runs: a receiver alone never loads the worker SDK and its native
    // core (~13 MB of resident memory).
    const [{ WorkerRunner }, { createWorker }] = await Promise.all([import('./worker/runner'), import('./worker/worker')]);
    worker = new WorkerRunner({
      connection,
      logger,
      create: (connection) =>
        createWorker({
          connection,
          namespace: env.TEMPORAL_NAMESPACE,
          taskQueue: env.TEMPORAL_TASK_QUEUE,
          store,
          config: opts.config,
          workflowBundle: opts.workflowBundle,
          handlerMetrics: metrics.handlers,
          pendingStarts,
          temporalUiUrl: temporalUiBaseUrl(env),
          logger,
          maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
        }),
    });
  }
  const handlerQueues = new Map([...opts.config.handlers.keys()].map((name) => [name, handlerTaskQueue(env.TEMPORAL_TASK_QUEUE, name)]));
  // Made once the Temporal client exists, which needs the metrics; the metrics read it when scraped.
  let starter: EventStarter | undefined;
  const deliveries = new DeliveriesInProgress();
  // The last count of open runs, awaited at stop: the client retries a call while Temporal is down,
  // and a retry after the connection is closed throws where nobody can catch it.
  let openRunsCount: Promise<unknown> = Promise.resolve();
  let handlerFlowsRead: Promise<unknown> = Promise.resolve();
  const metrics = createMetrics({
    ...(opts.receiver
      ? {
          pendingStarts: () => starter?.backlog() ?? 0,
          // Reads of MongoDB and Temporal: however many scrape, at most once a relay interval each.
          oldestPendingStart: readAtMostEvery(env.RELAY_INTERVAL_MS, () => pendingStarts.oldestReceivedAt()),
          openRuns: readAtMostEvery(env.RELAY_INTERVAL_MS, () => {
            const count = countOpenRuns(temporal, env.TEMPORAL_TASK_QUEUE, OPEN_RUNS_COUNT_MS);
            openRunsCount = count.catch(() => undefined);
            return count;
          }),
        }
      : {}),
    ...(worker ? { workerRunning: () => worker.state === 'running' } : {}),
    ...(opts.config.handlers.size > 0
      ? {
          // One DescribeTaskQueue per handler: however many scrape, at most once a relay interval.
          handlerFlows: readAtMostEvery(env.RELAY_INTERVAL_MS, () => {
            const flows = temporal.withDeadline(Date.now() + OPEN_RUNS_COUNT_MS, () =>
              describeHandlerFlows(temporal.workflowService, env.TEMPORAL_NAMESPACE, handlerQueues),
            );
            handlerFlowsRead = flows.catch(() => undefined);
            return flows;
          }),
        }
      : {}),
  });
  const temporal = createTemporalClient(connection, env.TEMPORAL_NAMESPACE, [
    startLatencyInterceptor(metrics.workflowStartSeconds),
  ]);
  starter = opts.receiver
    ? new EventStarter({
        pendingStarts,
        temporal,
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        startTimeoutMs: env.START_TIMEOUT_MS,
        concurrency: env.STARTER_CONCURRENCY,
        maxQueued: env.MAX_PENDING_STARTS,
        leaseMs: PENDING_START_LEASE_MS,
        recountMs: BACKLOG_RECOUNT_MS,
        logger,
        busy: () => deliveries.count > BURST_DELIVERIES,
      })
    : undefined;
  const readiness = createReadiness({
    db: mongo.db,
    temporal,
    storeReady: () => storeSetup.isReady(),
    ...(worker ? { workerState: () => worker.state } : {}),
  });
  const monitoring = { metrics, readiness };

  const relay = opts.receiver
    ? new StartRelay({
        store,
        pendingStarts,
        ...(starter ? { heldByStarter: (id: string) => starter.holds(id) } : {}),
        temporal,
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        startTimeoutMs: env.START_TIMEOUT_MS,
        intervalMs: env.RELAY_INTERVAL_MS,
        logger,
      })
    : undefined;
  const httpLimits = {
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    maxConnections: env.MAX_CONNECTIONS,
  };
  let receiverServer: HttpServer | undefined;
  let monitoringServer: HttpServer | undefined;
  try {
    if (opts.receiver && starter) {
      const ops = createOpsContext(env, { store, actions, temporal, temporalAddress: opts.temporalAddress, timeoutMs: 5000, actor: 'admin-api' });
      const app = createReceiverApp(
        {
          config: opts.config,
          store,
          starter,
          loadShedding: new LoadShedding({
            maxPendingStarts: env.MAX_PENDING_STARTS,
            storeSlowMs: env.STORE_SLOW_MS,
            backlog: () => starter.backlog(),
          }),
          logger,
          rejections,
          bodyBudget: new BodyBudget(env.MAX_BUFFERED_BODY_BYTES),
        },
        {
          metrics,
          deliveries,
          // With METRICS_PORT the monitoring endpoints are served there only, never to webhook senders.
          ...(env.METRICS_PORT === undefined ? { monitoring } : {}),
          storeReady: () => storeSetup.isReady(),
          ...(env.ADMIN_TOKEN ? { admin: { token: env.ADMIN_TOKEN, logger, ops, handlers: opts.config.handlers } } : {}),
        },
      );
      receiverServer = await startHttpServer(app.callback(), env.HOST, env.PORT, httpLimits);
    }
    if (env.METRICS_PORT !== undefined) {
      monitoringServer = await startHttpServer(createMonitoringApp(monitoring).callback(), env.HOST, env.METRICS_PORT, httpLimits);
    }
  } catch (err) {
    // A port in use: release what was opened, so the caller only has to report it.
    await receiverServer?.close(0);
    await mongoWatchdog.stop();
    await Promise.allSettled([temporal.connection.close(), mongo.client.close()]);
    throw err;
  }

  const searchAttributes = new SearchAttributeRegistration({ connection: temporal.connection, namespace: env.TEMPORAL_NAMESPACE, logger });
  searchAttributes.start();
  await storeSetup.start();
  worker?.start();
  starter?.start();
  relay?.start();
  // Every receiver and worker sweeps; concurrent sweeps are harmless (see retention.ts).
  const sweeper =
    env.RETENTION_DAYS > 0 ? new RetentionSweeper(store, env.RETENTION_DAYS * 86_400_000, 3_600_000, logger) : undefined;
  sweeper?.start();
  const backlogWatch = opts.worker && opts.config.alerts.backlog ? new BacklogWatch({ temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, logger }) : undefined;
  backlogWatch?.start();

  return {
    url: receiverServer?.url,
    monitoringUrl: monitoringServer?.url,
    store,
    mongo: mongo.client,
    temporal,
    relay,
    starter,
    pendingStarts,
    metrics,
    storeReady: () => storeSetup.settled(),
    searchAttributesSettled: () => searchAttributes.settled(),
    async stop() {
      // Stop taking webhooks and let those in flight finish, then stop the background work (the
      // starter's queue stays in pending_starts for a relay), drain the worker, and close the
      // connections last.
      await receiverServer?.close(DRAIN_MS);
      await Promise.all([starter?.stop(), relay?.stop(), sweeper?.stop(), storeSetup.stop(), searchAttributes.stop(), backlogWatch?.stop()]);
      await worker?.stop();
      await monitoringServer?.close(DRAIN_MS);
      await readiness.settle();
      await Promise.all([openRunsCount, handlerFlowsRead]);
      await mongoWatchdog.stop();
      await Promise.allSettled([temporal.connection.close(), mongo.client.close()]);
    },
  };
}

import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Env } from './config/env';
import type { HookflowConfig } from './config/sources';
import type { Logger } from './logger';
import { createReceiverApp } from './receiver/app';
import { EventStore } from './store/events';
import { RejectionLog } from './store/rejections';
import { RetentionSweeper } from './store/retention';
import { createMongo, type Mongo } from './store/mongo';
import { createTemporalClient } from './temporal/client';
import { StartRelay } from './temporal/relay';
import { createWorker } from './worker/worker';

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
  readonly store: EventStore;
  readonly temporal: Client;
  readonly relay: StartRelay | undefined;
  stop(): Promise<void>;
}

/** Starts the receiver (with its relay), the worker, or both, sharing one MongoDB client. */
export async function startHookflow(opts: HookflowOptions): Promise<RunningHookflow> {
  const { env, logger } = opts;
  const mongo: Mongo = createMongo(opts.mongoUrl, env.MONGO_DB);
  const store = new EventStore(mongo.db);
  const rejections = new RejectionLog(mongo.db);
  await Promise.all([store.ensureIndexes(), rejections.ensureCollection()]);
  const temporal = createTemporalClient(opts.temporalAddress, env.TEMPORAL_NAMESPACE);

  let server: Server | undefined;
  let url: string | undefined;
  let relay: StartRelay | undefined;
  if (opts.receiver) {
    const app = createReceiverApp({
      config: opts.config,
      store,
      temporal,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      startTimeoutMs: env.START_TIMEOUT_MS,
      logger,
      rejections,
    });
    server = await listen(app.callback(), env.HOST, env.PORT);
    const { port } = server.address() as AddressInfo;
    url = `http://${env.HOST}:${port}`;
    relay = new StartRelay({
      store,
      temporal,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      startTimeoutMs: env.START_TIMEOUT_MS,
      intervalMs: env.RELAY_INTERVAL_MS,
      logger,
    });
    relay.start();
  }

  // Every receiver and worker sweeps; concurrent sweeps are harmless (see retention.ts).
  const sweeper =
    env.RETENTION_DAYS > 0 ? new RetentionSweeper(store, env.RETENTION_DAYS * 86_400_000, 3_600_000, logger) : undefined;
  sweeper?.start();

  let worker: Worker | undefined;
  let workerConnection: NativeConnection | undefined;
  let workerRun: Promise<void> | undefined;
  if (opts.worker) {
    workerConnection = await NativeConnection.connect({ address: opts.temporalAddress });
    worker = await createWorker({
      connection: workerConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      store,
      config: opts.config,
      workflowBundle: opts.workflowBundle,
    });
    workerRun = worker.run();
  }

  return {
    url,
    store,
    temporal,
    relay,
    async stop() {
      // Stop taking new work first, then let in-flight work finish, then close connections.
      await Promise.all([server && closeServer(server), relay?.stop(), sweeper?.stop()]);
      if (worker) {
        // The SDK's runtime also shuts workers down on SIGINT/SIGTERM: it may have begun already.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await workerRun;
      }
      await workerConnection?.close();
      await temporal.connection.close();
      await mongo.client.close();
    },
  };
}

async function listen(handler: RequestListener, host: string, port: number): Promise<Server> {
  const server = createServer(handler);
  // A slow sender must not hold a connection for ever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

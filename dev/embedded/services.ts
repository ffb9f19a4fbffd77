import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnv } from '../../src/config/env';
import { temporalConnectionOptions } from '../../src/config/temporal-connection';
import { resolveServicesConfig, type MongoTarget, type ServicesConfig, type TargetOptions, type TemporalTarget } from './config';
import { startTemporalCluster } from './cluster-services';
import { ensureFerretdb } from './install-ferretdb';
import { ensureTemporalCli } from './install-temporal';
import type { InstallContext } from './install';
import { ensureLocalServer, type LocalServer, type LocalServerContext } from './local-server';
import { checkMongo, ferretdbArgs, mongodArgs, mongoUrlFor } from './mongo-server';
import { resolvePaths, type PathOptions, type Paths } from './paths';
import { isRecordedProcessAlive, pidFilePath, readPidFile, removePidFile, SERVER_NAMES, type ServerName } from './pid-file';
import { waitFor } from './probe';
import { findOnPath, stopProcess } from './process';
import { checkTemporal, temporalDevServerArgs } from './temporal-server';

export interface StartServicesOptions extends TargetOptions, PathOptions {
  /**
   * Leave the servers running after this process exits (the `up` command). Otherwise they are
   * stopped by stop(), or sent SIGTERM when this process exits without calling it.
   */
  detach?: boolean;
  /** How long each server gets to answer after it is started; default 60 s. */
  readyTimeoutMs?: number;
  /** Progress lines: what is installed, started or reused, and where. */
  log?: (line: string) => void;
  /** Default process.env: also the environment the servers run with. */
  env?: NodeJS.ProcessEnv;
  /** The cluster profile's Web UI (built with Go on first use); default true. The dev server always has its own. */
  temporalUi?: boolean;
}

export interface RunningServices {
  /** host:port of the Temporal frontend. */
  readonly temporalAddress: string;
  readonly temporalNamespace: string;
  readonly temporalUiUrl?: string;
  /** Settings a hookflow process needs to reach this Temporal (the cluster profile's TLS files); often none. */
  readonly temporalEnv: Readonly<Record<string, string>>;
  readonly mongoUrl: string;
  /** Which servers this call started (and stop() will stop). */
  readonly startedByUs: { readonly temporal: boolean; readonly mongo: boolean };
  /** Stops what this call started, nothing else. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Makes sure Temporal and MongoDB answer: external ones when TEMPORAL_ADDRESS / MONGO_URL say so,
 * else the embedded ones, reused when already running, installed and started otherwise.
 */
export async function startServices(opts: StartServicesOptions = {}): Promise<RunningServices> {
  const { config, paths, ctx, install } = prepare(opts);
  const [temporal, mongo] = await Promise.allSettled([startTemporal(config.temporal, paths, ctx, install, opts.temporalUi ?? true), startMongo(config.mongo, paths, ctx, install)]);
  if (temporal.status === 'rejected' || mongo.status === 'rejected') {
    // Do not leave half of the pair running.
    await Promise.allSettled([temporal, mongo].map((r) => (r.status === 'fulfilled' ? r.value.server.stop() : undefined)));
    const reasons = [temporal, mongo].flatMap((r) => (r.status === 'rejected' ? [message(r.reason)] : []));
    throw new Error(reasons.join('\n'));
  }

  const t = temporal.value;
  const m = mongo.value;
  let stopping: Promise<void> | undefined;
  return {
    temporalAddress: t.address,
    temporalNamespace: config.temporal.namespace,
    ...(t.uiUrl === undefined ? {} : { temporalUiUrl: t.uiUrl }),
    temporalEnv: t.env,
    mongoUrl: m.url,
    startedByUs: { temporal: t.server.startedByUs, mongo: m.server.startedByUs },
    stop: () => {
      stopping ??= stopBoth(t.server, m.server);
      return stopping;
    },
  };
}

export interface RunningStore {
  readonly mongoUrl: string;
  /** Whether this call started it (and stop() will stop it). */
  readonly startedByUs: boolean;
  /** Stops it if this call started it. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * MongoDB alone, found or started as startServices does it: for a tool that needs no Temporal
 * (`npm run bench:store-writes`).
 */
export async function startStore(opts: StartServicesOptions = {}): Promise<RunningStore> {
  const { config, paths, ctx, install } = prepare(opts);
  const { server, url } = await startMongo(config.mongo, paths, ctx, install);
  let stopping: Promise<void> | undefined;
  return {
    mongoUrl: url,
    startedByUs: server.startedByUs,
    stop: () => {
      stopping ??= server.stop();
      return stopping;
    },
  };
}

/** What starting any of the servers needs: the targets, the folders, and the contexts of the launcher and the installer. */
function prepare(opts: StartServicesOptions): { config: ServicesConfig; paths: Paths; ctx: LocalServerContext; install: InstallContext } {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((): void => undefined);
  const config = resolveServicesConfig(opts, env);
  const paths = resolvePaths(opts, env);
  const ctx: LocalServerContext = {
    pidsDir: paths.pids,
    logsDir: paths.logs,
    dataDir: paths.data,
    env,
    detach: opts.detach ?? false,
    readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
    log,
  };
  return { config, paths, ctx, install: { tools: paths.tools, logs: paths.logs, env, log } };
}

interface Started {
  readonly server: LocalServer;
}

const external: LocalServer = { startedByUs: false, stop: () => Promise.resolve() };

async function startTemporal(
  target: TemporalTarget,
  paths: Paths,
  ctx: LocalServerContext,
  install: InstallContext,
  withUi: boolean,
): Promise<Started & { address: string; uiUrl?: string; env: Readonly<Record<string, string>> }> {
  if (target.kind === 'cluster') {
    const cluster = await startTemporalCluster(target, paths, ctx, install, withUi);
    return { server: cluster.server, address: cluster.connection.address, env: cluster.env, ...(cluster.uiUrl === undefined ? {} : { uiUrl: cluster.uiUrl }) };
  }
  if (target.kind === 'external') {
    // A secured server is asked with the TLS settings and credentials hookflow will use.
    const connection = temporalConnectionOptions(loadEnv(ctx.env), target.address);
    await waitFor(() => checkTemporal(connection), { what: `Temporal at ${target.address} (TEMPORAL_ADDRESS)`, timeoutMs: ctx.readyTimeoutMs });
    ctx.log(`Temporal: using ${target.address} (TEMPORAL_ADDRESS), namespace ${target.namespace}`);
    return { server: external, address: target.address, env: {}, ...(target.uiUrl === undefined ? {} : { uiUrl: target.uiUrl }) };
  }
  const address = `${target.ip}:${target.port}`;
  const server = await ensureLocalServer(
    {
      name: 'temporal',
      label: 'Temporal',
      host: target.ip,
      port: target.port,
      address,
      protocol: "Temporal's gRPC API",
      portHint: 'HOOKFLOW_TEMPORAL_PORT or the temporalPort option',
      check: () => checkTemporal({ address }),
      prepare: async () => {
        const command = await ensureTemporalCli(install);
        const dbDir = join(paths.data, 'temporal');
        mkdirSync(dbDir, { recursive: true });
        const args = temporalDevServerArgs({ ...target, dbFile: join(dbDir, 'temporal.db') });
        return { command, args };
      },
    },
    ctx,
  );
  // Ours gets hookflow's search attributes from --search-attribute; the service registers them on any other.
  return { server, address, env: {}, uiUrl: `http://${target.ip}:${target.uiPort}` };
}

async function startMongo(target: MongoTarget, paths: Paths, ctx: LocalServerContext, install: InstallContext): Promise<Started & { url: string }> {
  if (target.kind === 'external') {
    await waitFor(() => checkMongo(target.url), { what: 'MongoDB at MONGO_URL', timeoutMs: ctx.readyTimeoutMs });
    ctx.log('MongoDB: using MONGO_URL');
    return { server: external, url: target.url };
  }
  const url = mongoUrlFor(target.host, target.port);
  const server = await ensureLocalServer(
    {
      name: 'mongo',
      label: 'MongoDB',
      host: target.host,
      port: target.port,
      address: url,
      protocol: 'a MongoDB ping',
      portHint: 'HOOKFLOW_MONGO_PORT or the mongoPort option',
      check: () => checkMongo(url),
      prepare: async () => {
        const mongod = findOnPath('mongod', ctx.env);
        const command = mongod ?? (await ensureFerretdb(install));
        const dataDir = join(paths.data, mongod === undefined ? 'ferretdb' : 'mongo');
        mkdirSync(dataDir, { recursive: true });
        const config = { host: target.host, port: target.port, dataDir };
        return { command, args: mongod === undefined ? ferretdbArgs(config) : mongodArgs(config) };
      },
    },
    ctx,
  );
  return { server, url };
}

async function stopBoth(temporal: LocalServer, mongo: LocalServer): Promise<void> {
  const results = await Promise.allSettled([temporal.stop(), mongo.stop()]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [message(r.reason)] : []));
  if (failures.length > 0) throw new Error(`could not stop the embedded servers: ${failures.join('; ')}`);
}

export interface StopServicesOptions extends PathOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Stops the servers the PID files in the data dir name (started by any earlier `up`, or left by
 * a test run that died), and only those: a server someone else started is never touched.
 */
export async function stopServices(opts: StopServicesOptions = {}): Promise<void> {
  const log = opts.log ?? ((): void => undefined);
  const paths = resolvePaths(opts, opts.env ?? process.env);
  const failures: string[] = [];
  // One after the other, in SERVER_NAMES' order: PostgreSQL waits for its clients to go first.
  for (const name of SERVER_NAMES) {
    try {
      await stopRecorded(paths, name, log);
    } catch (err) {
      failures.push(message(err));
    }
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
}

async function stopRecorded(paths: Paths, name: ServerName, log: (line: string) => void): Promise<void> {
  const file = pidFilePath(paths.pids, name);
  const record = readPidFile(file);
  if (record === undefined) {
    log(`${name}: not started by us (no ${file})`);
    return;
  }
  if (!isRecordedProcessAlive(record)) {
    removePidFile(file, record.pid);
    log(`${name}: pid ${record.pid} is no longer running (removed its PID file)`);
    return;
  }
  const result = await stopProcess(record.pid, { group: record.group });
  removePidFile(file, record.pid);
  log(`${name}: ${result === 'killed' ? 'killed (did not stop on SIGTERM)' : 'stopped'} pid ${record.pid} (${record.address})`);
}

export interface ServiceStatus {
  readonly name: ServerName;
  /** From the PID file: started by one of our commands and still running. */
  readonly pid?: number;
  readonly address?: string;
}

/** What the PID files in the data dir say is running. */
export function servicesStatus(opts: PathOptions = {}, env: NodeJS.ProcessEnv = process.env): ServiceStatus[] {
  const paths = resolvePaths(opts, env);
  return SERVER_NAMES.map((name) => {
    const record = readPidFile(pidFilePath(paths.pids, name));
    if (record === undefined || !isRecordedProcessAlive(record)) return { name };
    return { name, pid: record.pid, address: record.address };
  });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

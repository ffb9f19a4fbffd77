/**
 * The chaos run's own Temporal and MongoDB-wire servers, each stoppable and restartable on its own
 * with its state on disk: the shared embedded servers (and a developer's) are never touched. Built
 * from the same installers and command lines as dev/embedded. Temporal is the dev server, or with
 * HOOKFLOW_TEMPORAL=cluster the full server on its own PostgreSQL (which stays up when Temporal restarts).
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TemporalConnectionOptions } from '../../src/config/temporal-connection';
import { planCluster } from '../../dev/embedded/cluster-services';
import { resolveServicesConfig } from '../../dev/embedded/config';
import { ensureFerretdb } from '../../dev/embedded/install-ferretdb';
import { ensureTemporalCli } from '../../dev/embedded/install-temporal';
import type { InstallContext } from '../../dev/embedded/install';
import { checkMongo, ferretdbArgs, mongodArgs, mongoUrlFor } from '../../dev/embedded/mongo-server';
import { resolvePaths } from '../../dev/embedded/paths';
import { waitFor } from '../../dev/embedded/probe';
import { findOnPath, spawnServer, stopProcess, type RunAs, type Spawned } from '../../dev/embedded/process';
import { checkTemporal, temporalDevServerArgs } from '../../dev/embedded/temporal-server';
import { freePortRange, freePorts } from '../helpers/ports';

const HOST = '127.0.0.1';

/** One server process that can be stopped and started again with the same command line. */
export class RestartableServer {
  private spawned: Spawned | undefined;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly logFile: string,
    private readonly check: () => Promise<void>,
    private readonly user?: RunAs,
  ) {
    // If the runner dies, its servers go with it.
    process.once('exit', () => {
      if (this.spawned?.exitReason() === undefined) this.spawned?.child.kill('SIGKILL');
    });
  }

  async start(): Promise<void> {
    const spawned = await spawnServer(this.command, this.args, { logFile: this.logFile, detached: false, ...(this.user === undefined ? {} : { user: this.user }) });
    this.spawned = spawned;
    await waitFor(this.check, { what: this.name, timeoutMs: 120_000, gaveUp: () => spawned.exitReason() });
  }

  /** SIGTERM (SIGKILL after 15 s); resolves once the process is gone. */
  async stop(): Promise<void> {
    const spawned = this.spawned;
    this.spawned = undefined;
    if (spawned) await stopProcess(spawned.pid, { group: false, graceMs: 15_000 });
  }

  async restart(downMs: number): Promise<void> {
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.start();
  }
}

export interface ChaosServers {
  readonly temporal: RestartableServer;
  readonly mongo: RestartableServer;
  /** How hookflow reaches Temporal (over mTLS on the cluster profile). */
  readonly temporalConnection: TemporalConnectionOptions;
  /** The TEMPORAL_TLS_* settings hookflow processes need for it. */
  readonly temporalEnv: Readonly<Record<string, string>>;
  readonly mongoUrl: string;
  /** `dev` or `cluster`, for the report. */
  readonly profile: string;
  stop(): Promise<void>;
}

interface ChaosTemporal {
  readonly server: RestartableServer;
  readonly connection: TemporalConnectionOptions;
  readonly env: Readonly<Record<string, string>>;
  /** Stopped after Temporal: PostgreSQL on the cluster profile. */
  readonly store?: RestartableServer;
}

/** Installs (if needed) and starts both servers on free ports with their data under `dir`. */
export async function startChaosServers(dir: string, log: (line: string) => void): Promise<ChaosServers> {
  const paths = resolvePaths();
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const install: InstallContext = { tools: paths.tools, logs, env: process.env, log };
  const profile = resolveServicesConfig().temporal.kind === 'cluster' ? 'cluster' : 'dev';
  const mongod = findOnPath('mongod');
  const mongoCommand = mongod ?? (await ensureFerretdb(install));

  const [mongoPort] = (await freePorts(1)) as [number];
  const mongoUrl = mongoUrlFor(HOST, mongoPort);
  const mongoDir = join(dir, 'mongo');
  mkdirSync(mongoDir, { recursive: true });
  const temporal = profile === 'cluster' ? await clusterTemporal(dir, logs, install) : await devTemporal(dir, logs, install);
  const mongoConfig = { host: HOST, port: mongoPort, dataDir: mongoDir };
  const mongo = new RestartableServer(
    `MongoDB at ${mongoUrl}`,
    mongoCommand,
    mongod === undefined ? ferretdbArgs(mongoConfig) : mongodArgs(mongoConfig),
    join(logs, 'mongo.log'),
    () => checkMongo(mongoUrl),
  );
  await mongo.start();
  return {
    temporal: temporal.server,
    mongo,
    temporalConnection: temporal.connection,
    temporalEnv: temporal.env,
    mongoUrl,
    profile,
    async stop() {
      await Promise.allSettled([temporal.server.stop(), mongo.stop()]);
      await temporal.store?.stop();
    },
  };
}

async function devTemporal(dir: string, logs: string, install: InstallContext): Promise<ChaosTemporal> {
  const temporalCli = await ensureTemporalCli(install);
  const [port, uiPort] = (await freePorts(2)) as [number, number];
  const address = `${HOST}:${port}`;
  const temporalDir = join(dir, 'temporal');
  mkdirSync(temporalDir, { recursive: true });
  const server = new RestartableServer(
    `Temporal at ${address}`,
    temporalCli,
    temporalDevServerArgs({ ip: HOST, port, uiPort, namespace: 'default', dbFile: join(temporalDir, 'temporal.db') }),
    join(logs, 'temporal.log'),
    () => checkTemporal({ address }),
  );
  await server.start();
  return { server, connection: { address }, env: {} };
}

/** The full Temporal server on its own PostgreSQL, set up as dev/embedded sets up the cluster profile. */
async function clusterTemporal(dir: string, logs: string, install: InstallContext): Promise<ChaosTemporal> {
  // PostgreSQL runs as another user when we are root: it must reach its folder in the run dir.
  chmodSync(dir, 0o755);
  const port = await freePortRange(9);
  const [postgresPort, uiPort] = (await freePorts(2)) as [number, number];
  // The UI port is never served: the chaos run starts no UI.
  const plan = await planCluster({ ip: HOST, port, postgresPort, uiPort, namespace: 'default' }, join(dir, 'temporal-cluster'), install);
  await plan.postgres.init();
  const { command, args, user, check } = plan.postgres;
  const store = new RestartableServer(`PostgreSQL at ${plan.postgres.address}`, command, args, join(logs, 'postgres.log'), check, user);
  await store.start();
  const server = new RestartableServer(`Temporal (cluster) at ${plan.connection.address}`, plan.temporal.command, plan.temporal.args, join(logs, 'temporal.log'), plan.temporal.check);
  try {
    await plan.setUpSchema();
    await server.start();
    await plan.setUpNamespace(install.log);
  } catch (err) {
    await server.stop();
    await store.stop();
    throw err;
  }
  return { server, connection: plan.connection, env: plan.env, store };
}

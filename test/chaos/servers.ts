/**
 * The chaos run's own Temporal dev server and MongoDB-wire server, each stoppable and restartable
 * on its own with its state on disk: the shared embedded servers (and a developer's) are never
 * touched. Built from the same installers and command lines as dev/embedded.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureFerretdb } from '../../dev/embedded/install-ferretdb';
import { ensureTemporalCli } from '../../dev/embedded/install-temporal';
import type { InstallContext } from '../../dev/embedded/install';
import { checkMongo, ferretdbArgs, mongodArgs, mongoUrlFor } from '../../dev/embedded/mongo-server';
import { resolvePaths } from '../../dev/embedded/paths';
import { waitFor } from '../../dev/embedded/probe';
import { findOnPath, spawnServer, stopProcess, type Spawned } from '../../dev/embedded/process';
import { checkTemporal, temporalDevServerArgs } from '../../dev/embedded/temporal-server';
import { freePorts } from '../helpers/ports';

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
  ) {
    // If the runner dies, its servers go with it.
    process.once('exit', () => {
      if (this.spawned?.exitReason() === undefined) this.spawned?.child.kill('SIGKILL');
    });
  }

  async start(): Promise<void> {
    const spawned = await spawnServer(this.command, this.args, { logFile: this.logFile, detached: false });
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
  readonly temporalAddress: string;
  readonly mongoUrl: string;
  stop(): Promise<void>;
}

/** Installs (if needed) and starts both servers on free ports with their data under `dir`. */
export async function startChaosServers(dir: string, log: (line: string) => void): Promise<ChaosServers> {
  const paths = resolvePaths();
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const install: InstallContext = { tools: paths.tools, logs, env: process.env, log };
  const [temporalCli, mongod] = [await ensureTemporalCli(install), findOnPath('mongod')];
  const mongoCommand = mongod ?? (await ensureFerretdb(install));

  const [port, uiPort, mongoPort] = (await freePorts(3)) as [number, number, number];
  const temporalAddress = `${HOST}:${port}`;
  const mongoUrl = mongoUrlFor(HOST, mongoPort);
  const temporalDir = join(dir, 'temporal');
  const mongoDir = join(dir, 'mongo');
  mkdirSync(temporalDir, { recursive: true });
  mkdirSync(mongoDir, { recursive: true });

  const temporal = new RestartableServer(
    `Temporal at ${temporalAddress}`,
    temporalCli,
    temporalDevServerArgs({ ip: HOST, port, uiPort, namespace: 'default', dbFile: join(temporalDir, 'temporal.db') }),
    join(logs, 'temporal.log'),
    () => checkTemporal({ address: temporalAddress }),
  );
  const mongoConfig = { host: HOST, port: mongoPort, dataDir: mongoDir };
  const mongo = new RestartableServer(
    `MongoDB at ${mongoUrl}`,
    mongoCommand,
    mongod === undefined ? ferretdbArgs(mongoConfig) : mongodArgs(mongoConfig),
    join(logs, 'mongo.log'),
    () => checkMongo(mongoUrl),
  );
  await Promise.all([temporal.start(), mongo.start()]);
  return {
    temporal,
    mongo,
    temporalAddress,
    mongoUrl,
    async stop() {
      await Promise.allSettled([temporal.stop(), mongo.stop()]);
    },
  };
}

#!/usr/bin/env node
/*
 * node dist/dev/embedded/cli.js up|down|status
 *
 * up      start (or reuse) Temporal and MongoDB, wait until both answer, print where they are;
 *         the servers keep running after this command exits
 * down    stop the servers an earlier `up` started (PID files in <data>/pids), nothing else
 * status  say what the PID files say is running, and whether it answers
 */
import { loadEnv } from '../../src/config/env';
import { temporalConnectionOptions } from '../../src/config/temporal-connection';
import { clusterDir, clusterTlsDir, clusterTlsEnv } from './cluster-services';
import { ensureClusterTls } from './cluster-tls';
import { resolveServicesConfig } from './config';
import { checkMongo, describeMongo, mongoUrlFor } from './mongo-server';
import { resolvePaths } from './paths';
import { seconds } from './install';
import { servicesStatus, startServices, stopServices } from './services';
import { checkTemporal } from './temporal-server';

const log = (line: string): void => console.log(line);

async function up(): Promise<void> {
  const started = Date.now();
  const services = await startServices({ detach: true, log });
  const mongoKind = await describeMongo(services.mongoUrl);
  console.log('');
  console.log(`Temporal     ${services.temporalAddress}  (namespace ${services.temporalNamespace})`);
  if (services.temporalUiUrl !== undefined) console.log(`Temporal UI  ${services.temporalUiUrl}`);
  console.log(`MongoDB      ${withoutPassword(services.mongoUrl)}  (${mongoKind})`);
  console.log(`ready in ${seconds(started)}; logs in ${resolvePaths().logs}; stop with: npm run services:down`);
}

/** MONGO_URL may carry a password: never print it. */
function withoutPassword(url: string): string {
  return url.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]+):[^@/]*@/, '$1:***@');
}

async function down(): Promise<void> {
  await stopServices({ log });
}

async function status(): Promise<void> {
  for (const s of servicesStatus()) {
    console.log(s.pid === undefined ? `${s.name}: not started by us` : `${s.name}: running, pid ${s.pid}, at ${s.address ?? '?'}`);
  }
  const config = resolveServicesConfig();
  const temporal = config.temporal.kind === 'external' ? config.temporal.address : `${config.temporal.ip}:${config.temporal.port}`;
  // The cluster profile answers only over mTLS, with the files it generated.
  const tls = config.temporal.kind === 'cluster' ? clusterTlsEnv(ensureClusterTls(clusterTlsDir(clusterDir(resolvePaths())))) : {};
  const mongo = config.mongo.kind === 'external' ? config.mongo.url : mongoUrlFor(config.mongo.host, config.mongo.port);
  console.log(`Temporal at ${temporal}: ${await answers(() => checkTemporal(temporalConnectionOptions(loadEnv({ ...process.env, ...tls }), temporal)))}`);
  console.log(`MongoDB at ${config.mongo.kind === 'external' ? 'MONGO_URL' : mongo}: ${await answers(() => checkMongo(mongo))}`);
}

async function answers(check: () => Promise<void>): Promise<string> {
  try {
    await check();
    return 'answers';
  } catch (err) {
    return `does not answer (${err instanceof Error ? err.message : String(err)})`;
  }
}

const commands: Record<string, () => Promise<void>> = { up, down, status };

async function main(): Promise<void> {
  const name = process.argv[2];
  const command = name === undefined ? undefined : commands[name];
  if (command === undefined) {
    console.error('usage: node dist/dev/embedded/cli.js up|down|status');
    process.exitCode = 2;
    return;
  }
  await command();
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});

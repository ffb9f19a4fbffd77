/**
 * `npm run bench:fairness [-- --backlog N]`: prints how long one event of source B takes while N
 * (default 1,000) events of source A wait (bench/fairness.ts). Runs its own Temporal dev server,
 * started as the embedded one is (task queue fairness on), and a receiver and a worker in this
 * process; MongoDB is the environment's or the embedded one.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startServices } from '../dev/embedded/services';
import { loadEnv } from '../src/config/env';
import { parseConfig } from '../src/config/sources';
import { startHookflow, type RunningHookflow } from '../src/service';
import { createMongo } from '../src/store/mongo';
import { installTemporalRuntime } from '../src/worker/temporal-runtime';
import { bundleWorkflows } from '../src/worker/worker';
import { fairnessConfig, measureFairness } from './fairness';

const BOUND_MS = 5 * 60_000;

async function main(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--backlog');
  const backlog = at === -1 ? 1000 : Number(argv[at + 1]);
  if (!Number.isInteger(backlog) || backlog < 1) throw new TypeError('--backlog takes a positive whole number');
  const log = (line: string): void => console.error(`[fairness] ${line}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'hookflow-bench-fairness-'));
  // Ports the developer's embedded servers do not use.
  const services = await startServices({ dataDir, temporalPort: 17933, temporalUiPort: 17934, log: (line) => log(line) });
  const env = loadEnv({
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    MONGO_DB: `hookflow_bench_fairness_${randomBytes(4).toString('hex')}`,
    TEMPORAL_TASK_QUEUE: 'hookflow-bench-fairness',
    LOG_LEVEL: 'error',
    STORE_SLOW_MS: '60000',
  });
  const config = parseConfig(fairnessConfig(), { defaultMaxBodyBytes: env.MAX_BODY_BYTES, baseDir: process.cwd(), label: 'fairness config' });
  const logger = pino({ level: env.LOG_LEVEL });
  // The worker's SDK logs (slow workflow tasks on a loaded machine) go through pino at LOG_LEVEL.
  installTemporalRuntime(env, logger);
  const common = { env, config, logger, temporalAddress: services.temporalAddress, mongoUrl: services.mongoUrl };
  const running: RunningHookflow[] = [];
  try {
    const receiver = await startHookflow({ ...common, receiver: true, worker: false });
    running.push(receiver);
    const workflowBundle = await bundleWorkflows();
    const result = await measureFairness(
      {
        receiverUrl: receiver.url ?? '',
        store: receiver.store,
        pendingStarts: receiver.pendingStarts,
        startWorker: async () => void running.push(await startHookflow({ ...common, receiver: false, worker: true, workflowBundle })),
        log,
      },
      backlog,
      BOUND_MS,
    );
    const latency = result.latencyMs === undefined ? `not processed within ${BOUND_MS / 1000} s` : `${(result.latencyMs / 1000).toFixed(1)} s`;
    console.log(`one event of source B behind ${backlog} events of source A: processed in ${latency}; ${result.backlogProcessed} of A's processed by then`);
    console.log(`B: ${result.timeline}`);
  } finally {
    for (const hookflow of running.reverse()) await hookflow.stop();
    // Dropped once nothing writes to it any more (FerretDB can crash when a database in use is dropped).
    const mongo = createMongo(services.mongoUrl, env.MONGO_DB);
    await mongo.db.dropDatabase().finally(() => mongo.client.close());
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`bench:fairness: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});

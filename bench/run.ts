/**
 * One bench run: servers up (embedded or from the environment), the receiver, the worker and the
 * bare Koa app as child processes, then per concurrency the ceiling (b), the floor (a) and the
 * receiver, then the receiver in an open loop at fractions of the best rate it reached, the store
 * pre-filled, the Temporal server's ceiling for hookflow's workflow shape, and the burst.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { describeMongo } from '../dev/embedded/mongo-server';
import type { TemporalProfile } from '../dev/embedded/config';
import { servicesStatus, startServices } from '../dev/embedded/services';
import { loadEnv } from '../src/config/env';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../src/config/temporal-connection';
import { EventStore } from '../src/store/events';
import { createMongo } from '../src/store/mongo';
import { createTemporalClient } from '../src/temporal/client';
import { BurstDestination, burstConfig, runBurst, type BurstResult } from './burst';
import { IMAGE_MEMORY_ENV, IMAGE_NODE_OPTIONS } from './image-node-options';
import { runCeiling, type CeilingResult } from './ceiling';
import { isRecord, jsonLine, startChild, type BenchChild } from './children';
import { BENCH_SOURCES, benchConfig } from './deliveries';
import type { BenchOptions, BenchPhase } from './options';
import { orderingConfig, runOrdering, shareOfUnordered, type OrderingResult } from './ordering';
import { bareKoaPhase, floorPhase, receiverClosedPhase, receiverOpenPhase, warmUp, type BenchContext } from './phases';
import { cpuByProcess } from './report';
import type { ServerCost } from './server-cost';
import { emptyStore } from './store-size';
import { memoryMb } from './proc-stats';
import type { BenchResults, PhaseResult } from './results';
import { checkTargets, maxReceiverRate, ratios } from './targets';

/** The receiver waits this long for Temporal before it acknowledges anyway (its default). */
const START_TIMEOUT_MS = 2000;


/**
 * The pre-filled phase runs at a low concurrency: every request then costs several scans of the
 * filled collection, and a high one leaves minutes of abandoned requests behind its time limit.
 */
const STORED_PHASE_CONCURRENCY = 4;

export async function runBench(opts: BenchOptions, command: string, log: (line: string) => void): Promise<BenchResults & { workDir: string }> {
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = loadavg();
  // No Web UI for the cluster profile: it would only take CPU from what is measured.
  const services = await startServices({ temporalProfile: opts.temporal, temporalUi: false, log: (line) => log(`[services] ${line}`) });
  // The cluster profile's mTLS settings: every client of the bench reaches Temporal as hookflow does.
  const temporalConnection = temporalConnectionOptions(loadEnv({ ...process.env, ...services.temporalEnv }), services.temporalAddress);
  const runId = randomBytes(4).toString('hex');
  const workDir = mkdtempSync(join(tmpdir(), 'hookflow-bench-'));
  const mongoDb = `hookflow_bench_${runId}`;
  const taskQueue = `hookflow-bench-${runId}`;
  const configFile = join(workDir, 'sources.json');
  // The burst's and the ordering phase's handlers forward here: started first, since the config names its URL.
  const destination = await BurstDestination.start();
  const burstPart = burstConfig(destination.url);
  const orderingPart = orderingConfig(destination.url);
  const sources = { ...benchConfig().sources, ...burstPart.sources, ...orderingPart.sources };
  writeFileSync(configFile, JSON.stringify({ sources, handlers: { ...burstPart.handlers, ...orderingPart.handlers } }, null, 2));
  const mongo = createMongo(services.mongoUrl, mongoDb);
  const store = new EventStore(mongo.db);
  const temporal = createTemporalClient(temporalConnection, services.temporalNamespace);
  const children: BenchChild[] = [];
  // Ctrl-C or a kill must not leave the receiver, the worker or the Koa app running.
  const interrupted = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the child processes`);
    void Promise.allSettled(children.map((c) => c.stop(5000))).then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...IMAGE_MEMORY_ENV,
      TEMPORAL_ADDRESS: services.temporalAddress,
      TEMPORAL_NAMESPACE: services.temporalNamespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      MONGO_URL: services.mongoUrl,
      MONGO_DB: mongoDb,
      HOOKFLOW_CONFIG: configFile,
      ...services.temporalEnv,
      HOST: '127.0.0.1',
      PORT: '0',
      START_TIMEOUT_MS: String(START_TIMEOUT_MS),
      LOG_LEVEL: opts.logLevel,
      LOG_FORMAT: 'json',
      ...(opts.relayIntervalMs === undefined ? {} : { RELAY_INTERVAL_MS: String(opts.relayIntervalMs) }),
    };
    // Ports and endpoints the developer's own instance may use must not clash with the bench's.
    for (const name of ['METRICS_PORT', 'TEMPORAL_METRICS_ADDRESS', 'ADMIN_TOKEN']) delete env[name];
    // The receiver and the worker run with the Docker image's V8 flags (its NODE_OPTIONS), so the
    // bench measures their memory as production runs them.
    const nodeArgs = [...IMAGE_NODE_OPTIONS, ...(opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [])];
    const dist = join(__dirname, '..', 'src');

    log('starting the worker, the receiver and the bare Koa app');
    const worker = startChild({ name: 'worker', script: join(dist, 'worker/main.js'), nodeArgs, env, logFile: join(workDir, 'worker.log') });
    children.push(worker);
    const receiver = startChild({ name: 'receiver', script: join(dist, 'receiver/main.js'), nodeArgs, env, logFile: join(workDir, 'receiver.log') });
    children.push(receiver);
    const koa = startChild({ name: 'bare Koa', script: join(__dirname, 'koa-main.js'), env, logFile: join(workDir, 'koa.log') });
    children.push(koa);
    const receiverUrl = await receiver.waitFor((line) => {
      const j = jsonLine(line);
      return j && j.msg === 'hookflow-receiver running' && typeof j.url === 'string' ? j.url : undefined;
    }, 120_000);
    const koaPort = await koa.waitFor((line) => {
      const port = jsonLine(line)?.port;
      return typeof port === 'number' ? port : undefined;
    }, 30_000);
    await worker.waitFor((line) => (jsonLine(line)?.msg === 'hookflow-worker running' ? true : undefined), 300_000);

    const pids = new Map<string, number>([
      ['receiver', receiver.pid],
      ['worker', worker.pid],
      ['bench', process.pid],
    ]);
    // Under the names the report uses, whichever profile runs them (PostgreSQL's backends are processes of their own: not counted).
    for (const s of servicesStatus()) {
      if (s.pid === undefined) continue;
      if (s.address === services.temporalAddress) pids.set('temporal', s.pid);
      if (s.address === services.mongoUrl) pids.set('mongo', s.pid);
    }
    const ctx: BenchContext = {
      opts,
      runId,
      workDir,
      receiverUrl,
      koaUrl: `http://127.0.0.1:${koaPort}`,
      store,
      temporal,
      taskQueue,
      pids,
      floorJob: {
        mongoUrl: services.mongoUrl,
        mongoDb,
        temporalAddress: services.temporalAddress,
        temporalEnv: services.temporalEnv,
        temporalNamespace: services.temporalNamespace,
        taskQueue,
        startTimeoutMs: START_TIMEOUT_MS,
      },
      sources: BENCH_SOURCES.map((s) => s.name),
      log,
    };

    log(`warming up (${opts.warmup} deliveries)`);
    await warmUp(ctx);
    const phases: PhaseResult[] = [];
    const report = (p: PhaseResult): void => {
      phases.push(p);
      const load = p.mode === 'open' ? `open ${p.targetRate}/s` : `c=${p.concurrency}`;
      const e2e = p.endToEnd ? `, e2e p99 ${p.endToEnd.latency.p99} ms at ${p.endToEnd.completedPerSecond}/s` : '';
      const stored = p.store ? `, ${p.store.storedEvents} stored (lookup ${p.store.lookupMs} ms)` : '';
      log(`${p.kind} ${load}${p.storedBefore ? ` after ${p.storedBefore} stored` : ''}: ${p.okPerSecond}/s, p50 ${p.latency.p50} ms, p99 ${p.latency.p99} ms, errors ${p.errors}${e2e}${stored}`);
      if (p.drain && p.drain.unfinished > 0) {
        log(`  ${p.drain.unfinished} runs still open after ${p.drain.waitedMs} ms`);
      }
      if (p.endToEnd && p.endToEnd.statusLost > 0) log(`  ${p.endToEnd.statusLost} events finished in Temporal but not in MongoDB (lost status update)`);
    };
    const runs = (phase: BenchPhase): boolean => opts.phases.has(phase);
    for (const c of runs('levels') ? opts.concurrencies : []) {
      report(await bareKoaPhase(ctx, c));
      report(await floorPhase(ctx, c));
      report(await receiverClosedPhase(ctx, c));
    }
    const maxRate = maxReceiverRate(phases);
    for (const fraction of runs('open') ? opts.openLoopFractions : []) if (maxRate > 0) report(await receiverOpenPhase(ctx, maxRate, fraction));
    if (runs('stored') && opts.stored > 0) {
      log(`storing ${opts.stored} events first, then the receiver at c=${STORED_PHASE_CONCURRENCY} again`);
      report(await receiverClosedPhase(ctx, STORED_PHASE_CONCURRENCY, opts.stored));
    }
    let ceiling: CeilingResult | null = null;
    if (runs('ceiling') && opts.ceilingRuns > 0) {
      log(`ceiling: ${opts.ceilingRuns} runs of the bare shape (local activity, activity, local activity; no hookflow code) started ${opts.ceilingConcurrency} at a time`);
      ceiling = await runCeiling({
        runs: opts.ceilingRuns,
        concurrency: opts.ceilingConcurrency,
        temporal,
        taskQueue: `${taskQueue}-shape`,
        prefix: `${runId}-shape`,
        env,
        nodeArgs,
        workDir,
        pids,
        drainSeconds: opts.drainSeconds,
      });
      for (const [what, c] of [['', ceiling], [' (its activity on its own queue)', ceiling.ownActivityQueue], [" (with hookflow's Temporal features)", ceiling.withFeatures]] as const) {
        log(
          `ceiling${what}: ${c.completed}/${c.runs} completed (${c.errors} start errors, ${c.closedOtherwise} closed otherwise), ${c.completedPerSecond} runs/s; ` +
            `${costLine(c.cost)}${c.firstError ? `; first error: ${c.firstError}` : ''}`,
        );
      }
    }
    let burst: BurstResult | null = null;
    if (runs('burst') && opts.burstEvents > 0) {
      log(`burst: ${opts.burstEvents} distinct events at c=${opts.burstConcurrency}, each forwarded to a local destination`);
      await emptyStore(store);
      burst = await runBurst({
        events: opts.burstEvents,
        concurrency: opts.burstConcurrency,
        bodyBytes: opts.bodyBytes,
        prefix: `${runId}-burst`,
        receiverUrl,
        koaUrl: ctx.koaUrl,
        destination,
        temporal,
        taskQueue,
        drainSeconds: opts.drainSeconds,
        maxSeconds: opts.maxSeconds,
        pids,
      });
      const b = burst;
      log(
        `burst: ${b.acknowledged}/${b.events} acknowledged (${b.acknowledgedAccepted} 202, ${b.acknowledgedDuplicate} 200 duplicate), ack p50 ${b.ack.p50} ms, p90 ${b.ack.p90} ms, p99 ${b.ack.p99} ms, max ${b.ack.max} ms, ` +
          `errors ${b.errors}, ${b.retriedAfter503} refused with 503 then sent again; all processed ${b.lastAckToAllProcessedMs ?? '(not all)'} ms after the last ack; ` +
          `${b.forwardedOnce} forwarded once, ${b.forwardedMoreThanOnce} more than once; ${b.completedPerSecond} completed/s; ${costLine(b.cost)}`,
      );
      log(`burst to the bare Koa app first: ack p50 ${b.bareKoa.ack.p50} ms, p90 ${b.bareKoa.ack.p90} ms, p99 ${b.bareKoa.ack.p99} ms, max ${b.bareKoa.ack.max} ms, errors ${b.bareKoa.errors}`);
    }

    let ordering: OrderingResult | null = null;
    if (runs('ordering') && opts.orderingEvents > 0) {
      log(`ordering: ${opts.orderingEvents} events at c=${opts.orderingConcurrency}, unordered, then over many keys, then of one key`);
      ordering = await runOrdering({
        events: opts.orderingEvents,
        concurrency: opts.orderingConcurrency,
        bodyBytes: opts.bodyBytes,
        prefix: `${runId}-ordering`,
        receiverUrl,
        temporal,
        taskQueue,
        drainSeconds: opts.drainSeconds,
        maxSeconds: opts.maxSeconds,
        beforeEach: () => emptyStore(store),
      });
      for (const row of ordering.rows) {
        const share = shareOfUnordered(ordering, row);
        log(
          `ordering ${row.keys === 'off' ? 'off' : `${row.keys} key(s)`}: ${row.completed}/${row.events} completed, ${row.completedPerSecond}/s` +
            `${share === null ? '' : ` (${share} × off)`}, e2e p50 ${row.e2e.p50} ms, p99 ${row.e2e.p99} ms`,
        );
      }
    }

    const lifetimePeakRssMb = { receiver: memoryMb(receiver.pid, 'VmHWM') ?? null, worker: memoryMb(worker.pid, 'VmHWM') ?? null };
    const levels = ratios(phases);
    return {
      startedAt,
      finishedAt: new Date().toISOString(),
      command,
      machine: await machine(temporalConnection, opts.temporal, services.mongoUrl, loadAverageAtStart),
      settings: {
        concurrencies: opts.concurrencies,
        deliveriesPerLevel: opts.count,
        maxSecondsPerLevel: opts.maxSeconds,
        openLoop: opts.openLoopFractions.map((f) => `${f} × max for ${opts.openLoopSeconds} s`),
        duplicateShare: opts.duplicateShare,
        storedBeforeLastPhase: opts.stored,
        relayIntervalMs: opts.relayIntervalMs ?? 'default',
        burst: opts.burstEvents > 0 ? `${opts.burstEvents} events at c=${opts.burstConcurrency}` : 'skipped',
        phases: [...opts.phases],
        ordering: opts.orderingEvents > 0 ? `${opts.orderingEvents} events per mode at c=${opts.orderingConcurrency}` : 'skipped',
        ceiling: opts.ceilingRuns > 0 ? `${opts.ceilingRuns} bare-shape runs started ${opts.ceilingConcurrency} at a time` : 'skipped',
        bodyBytes: opts.bodyBytes,
        providers: BENCH_SOURCES.map((s) => s.provider),
        logLevel: opts.logLevel,
        startTimeoutMs: START_TIMEOUT_MS,
        cpuProfile: opts.cpuProfDir !== undefined,
      },
      phases,
      burst,
      ceiling,
      ordering,
      lifetimePeakRssMb,
      ratios: levels,
      targets: checkTargets(phases, levels, lifetimePeakRssMb, burst, ceiling),
      workDir,
    };
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await Promise.allSettled(children.map((c) => c.stop()));
    await destination.stop();
    if (opts.keepDb) log(`kept database ${mongoDb} (task queue ${taskQueue})`);
    else await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.client.close();
    await temporal.connection.close();
    await services.stop();
  }
}

function costLine(cost: ServerCost): string {
  const h = cost.historyEventsPerRun;
  return `Temporal CPU ${cost.temporalCpuMsPerEvent ?? '?'} ms per event, ${h ? `${h.mean} history events per run (${h.sampled} sampled)` : 'no history sampled'}; CPU ms per event, all processes: ${cpuByProcess(cost)}`;
}

async function machine(
  temporalConnection: TemporalConnectionOptions,
  profile: TemporalProfile,
  mongoUrl: string,
  loadAverageAtStart: number[],
): Promise<BenchResults['machine']> {
  let temporal = 'unknown version';
  const connection = await Connection.connect(temporalConnection);
  try {
    const info: unknown = await connection.workflowService.getSystemInfo({});
    const what = profile === 'cluster' ? 'full server on PostgreSQL (cluster profile, mTLS)' : 'dev server';
    if (isRecord(info) && typeof info.serverVersion === 'string') temporal = `${what} ${info.serverVersion}`;
  } finally {
    await connection.close();
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAverageAtStart,
    temporal,
    mongo: await describeMongo(mongoUrl),
  };
}

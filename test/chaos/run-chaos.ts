import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStore } from '../../src/store/events';
import { createMongo } from '../../src/store/mongo';
import { createTemporalClient } from '../../src/temporal/client';
import { Destination } from '../helpers/destination';
import { freePorts } from '../helpers/ports';
import { standardSecret } from '../helpers/signed-event';
import { injectFaults, type FaultPlan, type InjectedFault } from './faults';
import { HookflowProcesses } from './hookflow-processes';
import { SteadySender } from './sender';
import { startChaosServers } from './servers';
import { IdempotentSink } from './sink';
import { allDelivered, verify, type ChaosContext, type Verdict } from './verify';

export interface ChaosOptions {
  /** At least this many events; the stream goes on until every fault has been injected. */
  readonly minEvents: number;
  /** Never more than this many. */
  readonly maxEvents: number;
  readonly rate: number;
  readonly plan: FaultPlan;
  /** How long to wait, after the stream, for everything acknowledged to be processed. */
  readonly drainMs: number;
  /** The sender gives up on a request after this long and retries it. */
  readonly requestTimeoutMs: number;
  /** Receiver processes behind the sender's round robin; default 1. */
  readonly receivers?: number;
  /** Worker processes on the task queue; default 1. */
  readonly workers?: number;
  readonly log: (line: string) => void;
}

export interface ChaosReport {
  /** Which Temporal (dev or cluster) and how many receivers and workers. */
  readonly setup: { readonly temporal: string; readonly receivers: number; readonly workers: number };
  readonly sent: number;
  readonly requests: number;
  readonly acknowledged: number;
  /** 5xx answers and network errors or timeouts (0) the sender retried. */
  readonly retriedAnswers: number;
  /** Every answer by status; 0 is a network error or a timeout. */
  readonly answers: Readonly<Record<string, number>>;
  readonly unacknowledged: number;
  readonly refused: number;
  readonly processed: number;
  readonly duplicatesSuppressedByReceiver: number;
  readonly duplicatesSuppressedByDestination: number;
  readonly destinationRequests: number;
  readonly destinationRefused: number;
  readonly faults: readonly InjectedFault[];
  readonly receiverCrashes: number;
  readonly workerCrashes: number;
  readonly unknownDocuments: number;
  readonly storedStatusMismatches: number;
  readonly lost: Verdict['lost'];
  /** Stored although never acknowledged (the sender gave up on it), and not processed by the end. */
  readonly unfinishedUnacknowledged: number;
  readonly seconds: number;
  readonly dir: string;
}

const SOURCE = 'chaos';
const HANDLER = 'sink';
const SECRET = standardSecret('chaos-run-source-secret');
const SINK_SECRET = standardSecret('chaos-run-destination-secret');

function hookflowConfig(sinkUrl: string): unknown {
  return {
    sources: {
      [SOURCE]: {
        provider: 'standard-webhooks',
        secrets: [SECRET],
        routes: [
          {
            match: { typePrefix: 'chaos.' },
            handlers: [HANDLER],
            // Retry through every outage of the run: no event may end up waiting for an operator.
            retry: { initialInterval: '500ms', maximumInterval: '3s', maximumAttempts: 1000 },
            // Long enough for a slow store under load; a killed worker's attempt is retried after it.
            timeout: '15s',
          },
        ],
      },
    },
    handlers: { [HANDLER]: { kind: 'http', url: sinkUrl, secret: SINK_SECRET } },
  };
}

/**
 * Streams signed events into a receiver process while faults are injected, waits for the system to
 * settle, and checks every event end to end: one document, one completed run, one effect.
 */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'hookflow-chaos-'));
  const { log } = opts;
  log(`run dir ${dir}`);
  const servers = await startChaosServers(dir, log);
  const sink = new IdempotentSink();
  const destination = await Destination.start(SINK_SECRET, sink.reply);
  const runId = randomBytes(4).toString('hex');
  const taskQueue = `hookflow-chaos-${runId}`;
  const mongoDb = `hookflow_chaos_${runId}`;
  const setup = { temporal: servers.profile, receivers: opts.receivers ?? 1, workers: opts.workers ?? 1 };
  const processes = new HookflowProcesses({
    dir,
    temporalAddress: servers.temporalConnection.address,
    temporalEnv: servers.temporalEnv,
    mongoUrl: servers.mongoUrl,
    mongoDb,
    taskQueue,
    ports: await freePorts(setup.receivers),
    workers: setup.workers,
    config: hookflowConfig(destination.url),
  });
  const mongo = createMongo(servers.mongoUrl, mongoDb);
  const temporal = createTemporalClient(servers.temporalConnection, 'default');
  const sender = new SteadySender({
    urls: processes.receiverUrls.map((url) => `${url}/webhooks/${SOURCE}`),
    secret: SECRET,
    rate: opts.rate,
    redeliverEvery: 10,
    retryForMs: 120_000,
    requestTimeoutMs: opts.requestTimeoutMs,
  });
  try {
    log(`starting ${setup.receivers} receiver(s) and ${setup.workers} worker(s) on the ${setup.temporal} Temporal`);
    await processes.startAll();
    let faultsDone = false;
    const stream = sender.stream((n) => n < opts.maxEvents && (n < opts.minEvents || !faultsDone));
    const faults = await injectFaults(
      opts.plan,
      {
        killWorker: () => processes.killWorker(0),
        startWorker: () => processes.startWorker(0),
        killReceiver: () => processes.killReceiver(0),
        startReceiver: () => processes.startReceiver(0),
        restartTemporal: (downMs) => servers.temporal.restart(downMs),
        restartMongo: (downMs) => servers.mongo.restart(downMs),
        stopDestination: () => destination.close(),
        startDestination: () => destination.listen(),
      },
      log,
    );
    faultsDone = true;
    await stream;
    log(`stream ended: ${sender.events.length} events sent; waiting for retries to end`);
    await sender.settle();

    const ctx: ChaosContext = { source: SOURCE, handler: HANDLER, taskQueue, store: new EventStore(mongo.db), temporal, sink };
    log('waiting for every acknowledged event to be processed');
    const deadline = Date.now() + opts.drainMs;
    while (Date.now() < deadline && !(await allDelivered(ctx, sender.events))) await sleep(1000);
    // Runs complete after their effect, and visibility lags behind: give the last ones time.
    let verdict = await verify(ctx, sender.events);
    for (let tries = 0; verdict.lost.length > 0 && tries < 60; tries++) {
      await sleep(1000);
      verdict = await verify(ctx, sender.events);
    }

    const answers = sender.events.flatMap((e) => e.answers);
    return {
      setup,
      sent: sender.events.length,
      requests: answers.length,
      acknowledged: sender.events.filter((e) => e.acknowledged).length,
      retriedAnswers: answers.filter((status) => status === 0 || status >= 500).length,
      answers: countBy(answers),
      unacknowledged: sender.events.filter((e) => !e.acknowledged).length,
      refused: sender.events.filter((e) => e.refused).length,
      processed: verdict.processed,
      duplicatesSuppressedByReceiver: sender.duplicateAnswers,
      duplicatesSuppressedByDestination: sink.duplicatesSuppressed,
      destinationRequests: destination.requests.length,
      destinationRefused: sink.refused,
      faults,
      receiverCrashes: processes.receiverCrashes,
      workerCrashes: processes.workerCrashes,
      unknownDocuments: verdict.unknownDocuments,
      storedStatusMismatches: verdict.storedStatusMismatches,
      lost: verdict.lost,
      unfinishedUnacknowledged: verdict.unfinishedUnacknowledged.length,
      seconds: Math.round((Date.now() - started) / 1000),
      dir,
    };
  } finally {
    sender.stop();
    await processes.stop();
    await Promise.allSettled([mongo.client.close(), temporal.connection.close(), destination.close()]);
    await servers.stop();
  }
}

function countBy(statuses: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[String(status)] = (counts[String(status)] ?? 0) + 1;
  return counts;
}

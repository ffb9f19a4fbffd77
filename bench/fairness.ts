/**
 * Fairness between sources (issue 14, point 4): how long one event of source B takes while 1,000
 * events of source A wait. Shared by `npm run bench:fairness` (fairness-main.ts) and the
 * integration test, which asserts the bound.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore } from '../src/store/events';
import type { PendingStartStore } from '../src/store/pending-starts';
import { signStandardWebhooks } from './signers';

export const FAIRNESS_SECRET = 'whsec_' + Buffer.from('hookflow bench fairness secret 32b').toString('base64');

/**
 * Source A's destination takes one request at a time, 200 ms each (five events a second, whatever the
 * worker's slots: 1,000 of them take over three minutes); source B's answers at once.
 */
export function fairnessConfig(): unknown {
  const module = require.resolve('./fairness-handlers');
  return {
    sources: {
      // An attempt may wait behind a hundred others in the worker: longer than the default 30 s timeout.
      a: { provider: 'standard-webhooks', secrets: [FAIRNESS_SECRET], routes: [{ handlers: ['slow'], timeout: '2m' }] },
      b: { provider: 'standard-webhooks', secrets: [FAIRNESS_SECRET], routes: [{ handlers: ['fast'] }] },
    },
    handlers: {
      slow: { kind: 'module', module, export: 'oneAtATime' },
      fast: { kind: 'module', module, export: 'quick' },
    },
  };
}

export interface FairnessSetup {
  /** A receiver with the config above; no worker runs yet. */
  readonly receiverUrl: string;
  readonly store: EventStore;
  readonly pendingStarts: PendingStartStore;
  /** Starts a worker on the receiver's task queue and database. */
  startWorker(): Promise<void>;
  readonly log?: (line: string) => void;
}

export interface FairnessResult {
  readonly backlog: number;
  /** From B's receipt to its `processed`; undefined when it was not processed within the bound. */
  readonly latencyMs: number | undefined;
  /** A's events processed by then (or by the bound). */
  readonly backlogProcessed: number;
  /** B's statuses, with the seconds after its receipt at which it reached each. */
  readonly timeline: string;
}

/**
 * Sends `backlog` events of A and waits until each run is started, starts the worker, waits for A's
 * first event to be processed, then sends one event of B and waits up to `boundMs` for it.
 */
export async function measureFairness(setup: FairnessSetup, backlog: number, boundMs: number): Promise<FairnessResult> {
  const log = setup.log ?? ((): void => undefined);
  let sent = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (sent < backlog) {
      sent++;
      await deliver(setup.receiverUrl, 'a');
    }
  }));
  log(`${backlog} events of A acknowledged`);
  await until(async () => (await setup.pendingStarts.count()) === 0, 120_000, 'the runs of A to start');
  await setup.startWorker();
  await until(async () => (await processed(setup.store, 'a')) > 0, 60_000, 'the worker to process an event of A');
  log('worker running; sending one event of B');
  const ref = await deliver(setup.receiverUrl, 'b');
  await until(async () => (await setup.store.get(ref))?.status === 'processed', boundMs).catch(() => undefined);
  // The event's own status times: no polling delay in the figure.
  const history = (await setup.store.get(ref))?.statusHistory ?? [];
  const receivedAt = history[0]?.at.getTime() ?? 0;
  const processedAt = history.find((change) => change.status === 'processed')?.at.getTime();
  const latencyMs = processedAt === undefined ? undefined : processedAt - receivedAt;
  const timeline = history.map((change) => `${change.status} ${((change.at.getTime() - receivedAt) / 1000).toFixed(1)}s`).join(', ');
  return { backlog, latencyMs, backlogProcessed: await processed(setup.store, 'a'), timeline };
}

function processed(store: EventStore, source: string): Promise<number> {
  return store.collection.countDocuments({ source, status: 'processed' });
}

/** One signed event of `source`, sent again while the receiver answers 503; returns its `<source>:<id>`. */
async function deliver(receiverUrl: string, source: string): Promise<string> {
  const id = `msg_${randomUUID()}`;
  const { headers, body } = signStandardWebhooks(FAIRNESS_SECRET, { id, type: `${source}.event`, timestamp: Math.floor(Date.now() / 1000), padding: '' });
  for (;;) {
    const res = await fetch(`${receiverUrl}/webhooks/${source}`, { method: 'POST', headers, body });
    await res.body?.cancel();
    if (res.status === 202) return `${source}:${id}`;
    if (res.status !== 503) throw new Error(`the receiver answered ${res.status} to an event of ${source}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Polls `check` every 200 ms until it is true; rejects after `timeoutMs`. */
async function until(check: () => Promise<boolean>, timeoutMs: number, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

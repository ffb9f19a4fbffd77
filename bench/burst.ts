/**
 * The burst phase (issue 13): many distinct signed Standard Webhooks events at once, each routed to
 * an HTTP handler that forwards it to a local destination. It measures what a provider sees (how
 * fast each delivery is acknowledged, and whether any is refused) and how long hookflow then needs
 * to process them all; and it checks every event was acknowledged and processed exactly once. The
 * same burst goes to the bare Koa app first: what the machine gives an app that does no work.
 */
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { runClosedLoop } from './closed-loop';
import type { Delivery } from './deliveries';
import { closeTimes, waitForRuns } from './end-to-end';
import { countStatus, type LoadResult } from './load-result';
import { PhaseCpu, serverCost, type ServerCost } from './server-cost';
import { signers } from './signers';
import { round, summarize, type LatencySummary } from './stats';

/** The source the burst posts to: Standard Webhooks, one route to the `forward` HTTP handler. */
export const BURST_SOURCE = {
  name: 'bench-burst',
  provider: 'standard-webhooks',
  secret: `whsec_${Buffer.from('hookflow-bench-burst-standard-key').toString('base64')}`,
  /** hookflow's own signing secret towards the destination. */
  forwardSecret: `whsec_${Buffer.from('hookflow-bench-burst-forward-key').toString('base64')}`,
} as const;

/** The burst source's part of the receiver's config file, forwarding to `destinationUrl`. */
export function burstConfig(destinationUrl: string): {
  sources: Record<string, unknown>;
  handlers: Record<string, unknown>;
} {
  return {
    sources: { [BURST_SOURCE.name]: { provider: BURST_SOURCE.provider, secrets: [BURST_SOURCE.secret], routes: [{ handlers: ['forward'] }] } },
    handlers: { forward: { kind: 'http', url: destinationUrl, secret: BURST_SOURCE.forwardSecret } },
  };
}

/**
 * The local service the handler forwards to: answers 204 at once, and counts the forwards of each
 * event by their idempotency key (`<source>:<eventId>:<handler>`, the same for every attempt).
 */
export class BurstDestination {
  private readonly forwards = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<BurstDestination> {
    let destination: BurstDestination | undefined;
    const server = createServer((req, res) => {
      const key = String(req.headers['idempotency-key'] ?? '');
      req.resume();
      req.on('end', () => {
        destination?.count(key);
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    destination = new BurstDestination(server, `http://127.0.0.1:${port}/burst`);
    return destination;
  }

  /** How many times each workflow ID's event was forwarded. */
  forwardsOf(workflowIds: readonly string[]): number[] {
    return workflowIds.map((id) => this.forwards.get(`${id}:forward`) ?? 0);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private count(key: string): void {
    this.forwards.set(key, (this.forwards.get(key) ?? 0) + 1);
  }
}

export interface BurstResult {
  readonly events: number;
  readonly concurrency: number;
  /** Events acknowledged, at the first try or when sent again: answered 202, or 200 duplicate. */
  readonly acknowledged: number;
  /** Of those, acknowledged by a 202. */
  readonly acknowledgedAccepted: number;
  /**
   * Of those, acknowledged by a `200 duplicate` when sent again: the event was stored by an earlier
   * try whose answer the sender never had (or had as a 503, the store's answer coming too late).
   */
  readonly acknowledgedDuplicate: number;
  /** Events refused with 503 at the first try (load shedding), sent again after their Retry-After as a provider would. */
  readonly retriedAfter503: number;
  /** Events never acknowledged: no 202 or 200 duplicate at any try. */
  readonly errors: number;
  /** Answers of the first try, by HTTP status. */
  readonly statuses: Record<string, number>;
  /** Time to each first answer, ms: what the provider saw. */
  readonly ack: LatencySummary;
  /** From the first request to the last answer, ms. */
  readonly sendMs: number;
  /** Runs closed in Temporal. */
  readonly processed: number;
  /** From the last 202 the senders had to the close of the last run, ms (null: not all closed in time). */
  readonly lastAckToAllProcessedMs: number | null;
  /** Runs closed per second, from the first request to the last close (held to the ceiling phase's figure). */
  readonly completedPerSecond: number;
  /** What the burst cost the Temporal server, per processed event. */
  readonly cost: ServerCost;
  /** Events the destination received exactly once, and more than once (a forward retried after a lost answer). */
  readonly forwardedOnce: number;
  readonly forwardedMoreThanOnce: number;
  /**
   * The same deliveries sent the same way to the bare Koa app just before, while nothing else ran:
   * the acknowledgement times this machine and this load generator give an app that does no work,
   * the floor under `ack`.
   */
  readonly bareKoa: BareKoaBurst;
}

export interface BareKoaBurst {
  readonly ack: LatencySummary;
  /** Deliveries without a 200. */
  readonly errors: number;
  /** From the first request to the last answer, ms. */
  readonly sendMs: number;
}

export interface BurstPlan {
  readonly events: number;
  readonly concurrency: number;
  readonly bodyBytes: number;
  /** Makes event IDs unique to one run. */
  readonly prefix: string;
  readonly receiverUrl: string;
  /** The bare Koa app (koa-main.ts): the same burst goes there first. */
  readonly koaUrl: string;
  readonly destination: BurstDestination;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly drainSeconds: number;
  /** A burst is sent at once: no request waits longer than this for its answer before it counts as an error. */
  readonly maxSeconds: number;
  /** The processes whose CPU the burst reports per event, by name (the Temporal server's as `temporal`, when the bench knows it). */
  readonly pids: ReadonlyMap<string, number>;
}

function burstDeliveries(plan: BurstPlan): Delivery[] {
  const timestamp = Math.floor(Date.now() / 1000);
  const padding = 'x'.repeat(Math.max(0, plan.bodyBytes - 200));
  return Array.from({ length: plan.events }, (_, n) => {
    const eventId = `${plan.prefix}-${n}`;
    const { headers, body } = signers[BURST_SOURCE.provider](BURST_SOURCE.secret, { id: eventId, type: 'burst.event', timestamp, padding });
    return { source: BURST_SOURCE.name, provider: BURST_SOURCE.provider, eventId, eventType: 'burst.event', path: `/webhooks/${BURST_SOURCE.name}`, headers, body, duplicate: false };
  });
}

export async function runBurst(plan: BurstPlan): Promise<BurstResult> {
  const list = burstDeliveries(plan);
  const bareKoa = await burstToBareKoa(plan, list);
  const from = new Date();
  const cpu = new PhaseCpu(plan.pids);
  const load = await runClosedLoop({ url: plan.receiverUrl, deliveries: list, connections: plan.concurrency, maxSeconds: plan.maxSeconds });
  const acked = new Acknowledged();
  acked.add(load);
  await sendAgainUnacknowledged(plan, list, acked);
  const window = { taskQueue: plan.taskQueue, from };
  await waitForRuns(plan.temporal, window, acked.size, plan.drainSeconds * 1000);
  const cpuMs = cpu.elapsedMs();
  const closedAt = await closeTimes(plan.temporal, window);
  const closedIds = list.map((d) => `${d.source}:${d.eventId}`).filter((id) => closedAt.has(id));
  const closes = closedIds.flatMap((id) => closedAt.get(id) ?? []);
  const lastAck = acked.lastAt();
  const lastClose = closes.reduce((max, t) => Math.max(max, t), 0);
  const forwards = plan.destination.forwardsOf(list.map((d) => `${d.source}:${d.eventId}`));
  return {
    events: list.length,
    concurrency: plan.concurrency,
    acknowledged: acked.size,
    acknowledgedAccepted: acked.count('accepted'),
    acknowledgedDuplicate: acked.count('duplicate'),
    retriedAfter503: countStatus(load, (s) => s === 503),
    errors: list.length - acked.size,
    statuses: load.statuses,
    ack: summarize(load.latencies),
    sendMs: round(load.durationMs, 0),
    processed: closes.length,
    lastAckToAllProcessedMs: closes.length === list.length && list.length > 0 ? round(Math.max(0, lastClose - lastAck), 0) : null,
    completedPerSecond: lastClose > from.getTime() ? round(closes.length / ((lastClose - from.getTime()) / 1000)) : 0,
    cost: await serverCost(plan.temporal, cpuMs, closes.length, closedIds),
    forwardedOnce: forwards.filter((n) => n === 1).length,
    forwardedMoreThanOnce: forwards.filter((n) => n > 1).length,
    bareKoa,
  };
}

/**
 * The floor of the burst's acknowledgement times: the bare Koa app answers the same burst over as
 * many new connections from the same load generator, on the same cores, with nothing else running.
 * Where its p99 is past the target already, no receiver reaches the target on this machine.
 */
async function burstToBareKoa(plan: BurstPlan, list: readonly Delivery[]): Promise<BareKoaBurst> {
  const load = await runClosedLoop({ url: plan.koaUrl, deliveries: list, connections: plan.concurrency, maxSeconds: plan.maxSeconds });
  return { ack: summarize(load.latencies), errors: list.length - countStatus(load, (s) => s === 200), sendMs: round(load.durationMs, 0) };
}

/** Each event's first acknowledgement: by which answer, and when the sender had it. */
class Acknowledged {
  private readonly byEvent = new Map<string, { readonly kind: 'accepted' | 'duplicate'; readonly at: number }>();

  /** Records the acknowledgements of one round of sends (an event already acknowledged keeps its first). */
  add(load: LoadResult): void {
    for (const a of load.accepted) if (!this.byEvent.has(a.workflowId)) this.byEvent.set(a.workflowId, { kind: 'accepted', at: a.at });
    for (const d of load.duplicates) if (!this.byEvent.has(d.workflowId)) this.byEvent.set(d.workflowId, { kind: 'duplicate', at: d.at });
  }

  has(workflowId: string): boolean {
    return this.byEvent.has(workflowId);
  }

  get size(): number {
    return this.byEvent.size;
  }

  count(kind: 'accepted' | 'duplicate'): number {
    return [...this.byEvent.values()].filter((a) => a.kind === kind).length;
  }

  /** When the sender had the last acknowledgement (ms since the epoch). */
  lastAt(): number {
    return [...this.byEvent.values()].reduce((max, a) => Math.max(max, a.at), 0);
  }
}

/** A provider sends again what it has no acknowledgement for (after a 503's Retry-After, a 5xx or a timeout): a few rounds, as providers do. */
const RETRY_ROUNDS = 5;
const RETRY_AFTER_MS = 5000;

/**
 * Sends again, after the Retry-After the receiver gives to a 503 (5 s), the events not yet
 * acknowledged, until each is or the rounds run out. An event stored by a try whose answer was
 * lost is acknowledged now by a `200 duplicate`, so what the senders count as acknowledged is what
 * hookflow stored (and must process).
 */
async function sendAgainUnacknowledged(plan: BurstPlan, list: readonly Delivery[], acked: Acknowledged): Promise<void> {
  for (let round = 0; round < RETRY_ROUNDS; round++) {
    const waiting = list.filter((d) => !acked.has(`${d.source}:${d.eventId}`));
    if (waiting.length === 0) return;
    await sleep(RETRY_AFTER_MS);
    acked.add(await runClosedLoop({ url: plan.receiverUrl, deliveries: waiting, connections: plan.concurrency, maxSeconds: plan.maxSeconds }));
  }
}

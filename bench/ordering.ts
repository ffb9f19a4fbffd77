/**
 * What per-key ordering costs (issue 15): the same events, forwarded by the same HTTP handler,
 * with ordering off, ordered by many keys, and all of one hot key, in the same run. Reported:
 * completed events/s (the phase's first request to the last run's close) and e2e latency.
 */
import type { Client } from '@temporalio/client';
import { sign } from '../src/providers/standard-webhooks';
import { runClosedLoop } from './closed-loop';
import type { Delivery } from './deliveries';
import { endToEnd, waitForRuns, type RunWindow } from './end-to-end';
import { round, type LatencySummary } from './stats';

/** A Standard Webhooks source: `plain.event` forwarded as it comes, `ordered.event` in order per `data.key`. */
export const ORDERING_SOURCE = {
  name: 'bench-ordering',
  provider: 'standard-webhooks',
  secret: `whsec_${Buffer.from('hookflow-bench-ordering-standard-key').toString('base64')}`,
  forwardSecret: `whsec_${Buffer.from('hookflow-bench-ordering-forward-key').toString('base64')}`,
  handler: 'ordering-forward',
} as const;

/** The ordering source's part of the receiver's config file, forwarding to `destinationUrl`. */
export function orderingConfig(destinationUrl: string): { sources: Record<string, unknown>; handlers: Record<string, unknown> } {
  const { name, provider, secret, forwardSecret, handler } = ORDERING_SOURCE;
  return {
    sources: {
      [name]: {
        provider,
        secrets: [secret],
        routes: [
          { match: { type: 'plain.event' }, handlers: [handler] },
          // The default reorder window (2 s): what a route that orders gets.
          { match: { type: 'ordered.event' }, handlers: [handler], ordering: { key: { field: 'data.key' } } },
        ],
      },
    },
    handlers: { [handler]: { kind: 'http', url: destinationUrl, secret: forwardSecret } },
  };
}

/** One way of sending the same number of events: unordered, spread over `keys` keys, or one key. */
export type OrderingMode = { readonly kind: 'off' } | { readonly kind: 'keys'; readonly keys: number };

export interface OrderingRow {
  /** `off`, or how many keys the events were spread over (1: one hot key). */
  readonly keys: number | 'off';
  readonly events: number;
  /** Runs closed in Temporal. */
  readonly completed: number;
  /** From the phase's first request to the last run's close. */
  readonly completedPerSecond: number;
  /** 202 received to run closed, ms. */
  readonly e2e: LatencySummary;
}

export interface OrderingResult {
  readonly concurrency: number;
  readonly rows: readonly OrderingRow[];
}

export interface OrderingPlan {
  readonly events: number;
  readonly concurrency: number;
  readonly bodyBytes: number;
  /** Makes event IDs and keys unique to one run (sequencers are per source and key). */
  readonly prefix: string;
  readonly receiverUrl: string;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly drainSeconds: number;
  readonly maxSeconds: number;
  /** Called before each mode (the bench empties the store). */
  readonly beforeEach: () => Promise<void>;
}

/** Many keys: about one key per two events, as entities with an event or two each in a burst. */
export const MANY_KEYS = 200;

function orderingDeliveries(plan: OrderingPlan, mode: OrderingMode, label: string): Delivery[] {
  const timestamp = Math.floor(Date.now() / 1000);
  const padding = 'x'.repeat(Math.max(0, plan.bodyBytes - 200));
  const { name, provider, secret } = ORDERING_SOURCE;
  return Array.from({ length: plan.events }, (_, n) => {
    const eventId = `${plan.prefix}-${label}-${n}`;
    const eventType = mode.kind === 'off' ? 'plain.event' : 'ordered.event';
    const key = mode.kind === 'off' ? null : `${plan.prefix}-${label}-k${n % mode.keys}`;
    const body = JSON.stringify({ type: eventType, timestamp: new Date(timestamp * 1000).toISOString(), data: { id: eventId, key, note: padding } });
    const headers = { 'content-type': 'application/json', 'webhook-id': eventId, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(secret, eventId, timestamp, body) };
    return { source: name, provider, eventId, eventType, path: `/webhooks/${name}`, headers, body, duplicate: false };
  });
}

async function runMode(plan: OrderingPlan, mode: OrderingMode): Promise<OrderingRow> {
  const label = mode.kind === 'off' ? 'off' : `k${mode.keys}`;
  const list = orderingDeliveries(plan, mode, label);
  await plan.beforeEach();
  const from = new Date();
  // The key's sequencer runs on the same task queue: only the events' runs count.
  const window: RunWindow = { taskQueue: plan.taskQueue, from, workflowType: 'processWebhookEvent' };
  const load = await runClosedLoop({ url: plan.receiverUrl, deliveries: list, connections: plan.concurrency, maxSeconds: plan.maxSeconds });
  // One hot key completes one event at a time: give it a second per event if the drain is shorter.
  await waitForRuns(plan.temporal, window, load.accepted.length, Math.max(plan.drainSeconds, plan.events) * 1000);
  const e2e = await endToEnd(plan.temporal, window, load.accepted);
  return {
    keys: mode.kind === 'off' ? 'off' : mode.keys,
    events: e2e.events,
    completed: e2e.completed,
    completedPerSecond: e2e.completedPerSecond,
    e2e: e2e.latency,
  };
}

export async function runOrdering(plan: OrderingPlan): Promise<OrderingResult> {
  const modes: OrderingMode[] = [{ kind: 'off' }, { kind: 'keys', keys: Math.min(MANY_KEYS, plan.events) }, { kind: 'keys', keys: 1 }];
  const rows: OrderingRow[] = [];
  for (const mode of modes) rows.push(await runMode(plan, mode));
  return { concurrency: plan.concurrency, rows };
}

/** Each mode's completed events/s as a share of ordering off's. */
export function shareOfUnordered(result: OrderingResult, row: OrderingRow): number | null {
  const off = result.rows.find((r) => r.keys === 'off')?.completedPerSecond ?? 0;
  return off > 0 ? round(row.completedPerSecond / off) : null;
}

/**
 * The webhooks a bench level sends: a round-robin mix of providers, with a share of exact
 * redeliveries of events sent shortly before (as a provider retrying would send them).
 */
import { signers, type BenchProvider } from './signers';

export interface BenchSource {
  readonly name: string;
  readonly provider: BenchProvider;
  /** A development secret, written literally into the bench's own config file. */
  readonly secret: string;
  readonly eventTypes: readonly string[];
}

export const BENCH_SOURCES: readonly BenchSource[] = [
  {
    name: 'bench-standard',
    provider: 'standard-webhooks',
    secret: `whsec_${Buffer.from('hookflow-bench-standard-webhooks-key').toString('base64')}`,
    eventTypes: ['invoice.paid', 'user.created'],
  },
  { name: 'bench-stripe', provider: 'stripe', secret: 'whsec_hookflow_bench_stripe_endpoint_secret', eventTypes: ['payment_intent.succeeded', 'charge.refunded'] },
  { name: 'bench-github', provider: 'github', secret: 'hookflow-bench-github-secret', eventTypes: ['push.created', 'pull_request.opened'] },
];

/** The receiver's sources file for the bench: one source per provider. */
export function benchConfig(): { sources: Record<string, { provider: string; secrets: string[] }> } {
  const sources: Record<string, { provider: string; secrets: string[] }> = {};
  for (const s of BENCH_SOURCES) sources[s.name] = { provider: s.provider, secrets: [s.secret] };
  return { sources };
}

export interface Delivery {
  readonly source: string;
  readonly provider: BenchProvider;
  readonly eventId: string;
  readonly eventType: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** An exact copy of an earlier delivery in the same list. */
  readonly duplicate: boolean;
}

export interface DeliveryPlan {
  readonly count: number;
  /** 0..1: the share of deliveries that repeat an earlier one. */
  readonly duplicateShare: number;
  /** Approximate body size in bytes. */
  readonly bodyBytes: number;
  /** Makes event IDs unique to one level of one run. */
  readonly prefix: string;
  readonly now: Date;
}

/** How far back a redelivery reaches: providers retry within seconds, not at random. */
const REDELIVERY_WINDOW = 20;

export function makeDeliveries(plan: DeliveryPlan): Delivery[] {
  const timestamp = Math.floor(plan.now.getTime() / 1000);
  const padding = 'x'.repeat(Math.max(0, plan.bodyBytes - 200));
  const out: Delivery[] = [];
  const originals: Delivery[] = [];
  for (let i = 0; i < plan.count; i++) {
    const isDuplicate = originals.length > 0 && Math.floor((i + 1) * plan.duplicateShare) > Math.floor(i * plan.duplicateShare);
    if (isDuplicate) {
      const original = originals[originals.length - 1 - (i % Math.min(originals.length, REDELIVERY_WINDOW))];
      if (original) {
        out.push({ ...original, duplicate: true });
        continue;
      }
    }
    const source = BENCH_SOURCES[originals.length % BENCH_SOURCES.length];
    if (!source) throw new TypeError('bench: no sources');
    const eventId = `${plan.prefix}-${originals.length}`;
    const eventType = source.eventTypes[originals.length % source.eventTypes.length] ?? 'bench.event';
    const { headers, body } = signers[source.provider](source.secret, { id: eventId, type: eventType, timestamp, padding });
    const delivery: Delivery = { source: source.name, provider: source.provider, eventId, eventType, path: `/webhooks/${source.name}`, headers, body, duplicate: false };
    originals.push(delivery);
    out.push(delivery);
  }
  return out;
}

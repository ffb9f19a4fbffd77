/**
 * Baseline (a), the floor under the receiver: what the bench asks of the floor process, and what it
 * answers. The floor does only what the receiver cannot avoid, the MongoDB insert and the Temporal
 * start, with the same clients, for the same events, at the same concurrency.
 */
import { Binary } from 'mongodb';
import { sha256Hex } from '../src/receiver/event-identity';
import type { NewEvent } from '../src/store/events';
import type { Delivery } from './deliveries';

export interface FloorJob {
  readonly mongoUrl: string;
  readonly mongoDb: string;
  readonly temporalAddress: string;
  /** TEMPORAL_TLS_* settings when Temporal serves TLS. */
  readonly temporalEnv: Readonly<Record<string, string>>;
  readonly temporalNamespace: string;
  readonly taskQueue: string;
  readonly startTimeoutMs: number;
  readonly concurrency: number;
  readonly maxSeconds: number;
  readonly deliveries: readonly Delivery[];
}

export interface FloorResult {
  readonly durationMs: number;
  /** Insert + start of each event, in ms. */
  readonly latencies: number[];
  /** inserted / duplicate / conflict / error, like the receiver's answers. */
  readonly outcomes: Record<string, number>;
  readonly firstError?: string;
}

/** The event the receiver would store for this delivery, all but the time of receipt. */
export function floorEvent(d: Delivery): Omit<NewEvent, 'receivedAt'> {
  const raw = Buffer.from(d.body);
  return {
    source: d.source,
    provider: d.provider,
    eventId: d.eventId,
    eventType: d.eventType,
    body: new Binary(raw),
    bodySha256: sha256Hex(raw),
    contentType: d.headers['content-type'] ?? 'application/json',
    headers: Object.entries(d.headers).map(([name, value]) => ({ name, value })),
  };
}

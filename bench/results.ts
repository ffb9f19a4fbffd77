/** The shape of bench/results/results.json. */
import type { BurstResult } from './burst';
import type { CeilingResult } from './ceiling';
import type { BacklogPoint, Completion } from './end-to-end';
import type { OrderingResult } from './ordering';
import type { LatencySummary } from './stats';
import type { StoreSize } from './store-size';

export type PhaseKind = 'receiver' | 'floor' | 'bare-koa';

export interface ProcessFigures {
  /** Highest resident memory sampled during the phase, MiB. */
  readonly peakRssMb: number | null;
  /** CPU seconds per wall second during the phase (2 = both cores). */
  readonly cpuCores: number | null;
}

export interface PhaseResult {
  readonly kind: PhaseKind;
  readonly mode: 'closed' | 'open';
  /** Closed loop: connections (or floor loops). */
  readonly concurrency?: number;
  /** Open loop: the rate asked for, requests/s, and what fraction of the highest closed-loop receiver rate it is. */
  readonly targetRate?: number;
  readonly fractionOfMax?: number;
  readonly sent: number;
  readonly durationMs: number;
  /** Answered with 2xx (floor: operations completed without error) per second. */
  readonly okPerSecond: number;
  /** New events accepted (202; floor: inserted) per second. */
  readonly newPerSecond: number;
  /** Acknowledgement latency (floor: insert + start), ms. */
  readonly latency: LatencySummary;
  readonly statuses: Record<string, number>;
  /** Non-2xx answers, requests without an answer, and (open loop) requests never sent. */
  readonly errors: number;
  readonly endToEnd?: {
    readonly events: number;
    readonly completed: number;
    readonly latency: LatencySummary;
    readonly completedPerSecond: number;
    /** Events whose status in MongoDB stayed unfinished although their run closed (lost updates on FerretDB). */
    readonly statusLost: number;
    /** Open loop only: backlog once a second, and its growth over the second half of the sending window. */
    readonly backlog?: BacklogPoint[];
    readonly backlogSlopePerSecond?: number;
  };
  /** Events already stored when the phase started (0 unless the phase fills the store first). */
  readonly storedBefore?: number;
  /** The events collection after the phase, and what one lookup by `_id` cost at that size. */
  readonly store?: StoreSize;
  /** Waiting after the phase until the worker had finished its events. */
  readonly drain?: Completion;
  readonly processes: Record<string, ProcessFigures>;
  readonly firstError?: string;
}

export interface Ratio {
  readonly concurrency: number;
  /** Receiver answers/s ÷ floor operations/s. */
  readonly throughput: number;
  /** Receiver p99 ÷ floor p99. */
  readonly p99: number;
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGb: number;
    readonly os: string;
    readonly node: string;
    readonly loadAverageAtStart: readonly number[];
    readonly temporal: string;
    readonly mongo: string;
  };
  readonly settings: Record<string, unknown>;
  readonly phases: readonly PhaseResult[];
  /** The burst phase; null when skipped (`--burst 0`). */
  readonly burst: BurstResult | null;
  /** The Temporal server's own pace for hookflow's workflow shape; null when skipped (`--ceiling 0`). */
  readonly ceiling: CeilingResult | null;
  /** What per-key ordering costs: the same events unordered, over many keys, of one key; null when skipped (`--ordering 0`). */
  readonly ordering: OrderingResult | null;
  /** Lifetime peaks (VmHWM), start-up included (the worker bundles its workflows at start). */
  readonly lifetimePeakRssMb: { readonly receiver: number | null; readonly worker: number | null };
  readonly ratios: readonly Ratio[];
  readonly targets: readonly TargetCheck[];
}

import type { BreakerSettings } from '../src/config/handlers';

/*
 * One handler's circuit breaker, apart from Temporal: counts the outcomes the workers report in
 * batches, opens, probes and closes. The breaker workflow (handler-breaker.ts) keeps one and applies
 * its state to the handler's task queue; its memory goes through continue-as-new as plain JSON.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What one worker saw of a handler's attempts since its last report. */
export interface OutcomeBatch {
  readonly succeeded: number;
  readonly failed: number;
  /** Failures after the batch's last success; all of them when none succeeded. */
  readonly trailingFailures: number;
}

interface WindowEntry {
  readonly atMs: number;
  readonly succeeded: number;
  readonly failed: number;
}

export interface BreakerMemory {
  readonly state: BreakerState;
  readonly consecutiveFailures: number;
  readonly window: readonly WindowEntry[];
  /** The wait before the next probe (doubles after each failed probe). */
  readonly probeIntervalMs: number;
  /** While open: when the next probe may go. */
  readonly probeAtMs: number | null;
}

export class Breaker {
  private state: BreakerState;
  private consecutiveFailures: number;
  private window: WindowEntry[];
  private probeIntervalMs: number;
  private probeAtMs: number | null;

  constructor(
    private readonly settings: BreakerSettings,
    memory?: BreakerMemory,
  ) {
    this.state = memory?.state ?? 'closed';
    this.consecutiveFailures = memory?.consecutiveFailures ?? 0;
    this.window = [...(memory?.window ?? [])];
    this.probeIntervalMs = memory?.probeIntervalMs ?? settings.probeIntervalMs;
    this.probeAtMs = memory?.probeAtMs ?? null;
  }

  get current(): BreakerState {
    return this.state;
  }

  /** When the next probe may go, while open. */
  get nextProbeAtMs(): number | null {
    return this.state === 'open' ? this.probeAtMs : null;
  }

  /**
   * Counts a batch; returns the new state when it changes. While open, batches are of attempts that
   * started before it opened: they change nothing. Half-open, a success closes, a failure reopens
   * with twice the wait.
   */
  record(batch: OutcomeBatch, nowMs: number): BreakerState | undefined {
    if (this.state === 'open') return undefined;
    if (this.state === 'half-open') {
      if (batch.succeeded > 0) return this.close();
      if (batch.failed > 0) return this.open(nowMs, Math.min(this.probeIntervalMs * 2, this.settings.maximumProbeIntervalMs));
      return undefined;
    }
    this.prune(nowMs);
    this.window.push({ atMs: nowMs, succeeded: batch.succeeded, failed: batch.failed });
    this.consecutiveFailures = batch.succeeded > 0 ? batch.trailingFailures : this.consecutiveFailures + batch.failed;
    return this.trips() ? this.open(nowMs, this.settings.probeIntervalMs) : undefined;
  }

  /** Open and the probe's time has come: half-open, one attempt may go. */
  probeDue(nowMs: number): BreakerState | undefined {
    if (this.state !== 'open' || this.probeAtMs === null || nowMs < this.probeAtMs) return undefined;
    this.state = 'half-open';
    this.probeAtMs = null;
    return this.state;
  }

  /** Closed with nothing counted any more: the workflow may end without losing anything. */
  forgotten(nowMs: number): boolean {
    this.prune(nowMs);
    return this.state === 'closed' && this.window.length === 0;
  }

  memory(): BreakerMemory {
    return {
      state: this.state,
      consecutiveFailures: this.consecutiveFailures,
      window: [...this.window],
      probeIntervalMs: this.probeIntervalMs,
      probeAtMs: this.probeAtMs,
    };
  }

  private trips(): boolean {
    if (this.consecutiveFailures >= this.settings.consecutiveFailures) return true;
    const failed = this.window.reduce((sum, e) => sum + e.failed, 0);
    const total = failed + this.window.reduce((sum, e) => sum + e.succeeded, 0);
    return total >= this.settings.minimumAttempts && failed / total > this.settings.failureRatio;
  }

  private open(nowMs: number, intervalMs: number): BreakerState {
    this.state = 'open';
    this.probeIntervalMs = intervalMs;
    this.probeAtMs = nowMs + intervalMs;
    return this.state;
  }

  private close(): BreakerState {
    this.state = 'closed';
    this.consecutiveFailures = 0;
    this.window = [];
    this.probeIntervalMs = this.settings.probeIntervalMs;
    this.probeAtMs = null;
    return this.state;
  }

  private prune(nowMs: number): void {
    this.window = this.window.filter((e) => e.atMs > nowMs - this.settings.windowMs);
  }
}

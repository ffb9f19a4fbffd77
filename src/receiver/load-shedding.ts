import { ReceiverRefusal } from './refusals';

export interface LoadSheddingOptions {
  /** Past this many events stored but not started, deliveries are refused (503 backlog_full). */
  readonly maxPendingStarts: number;
  /** An insert slower than this (or still running after it) makes the store slow (503 store_slow). */
  readonly storeSlowMs: number;
  /** Events stored but not started yet (EventStarter.backlog). */
  readonly backlog: () => number;
  readonly now?: () => number;
}

/** How long one slow insert keeps the store counted as slow, when nothing newer says otherwise. */
const SLOW_HOLD_MS = 1000;

/**
 * Decides, from the headers' time on, whether a delivery can be taken now: refusing early, with a
 * 503 and Retry-After, lets the provider retry later instead of timing out on an answer that comes
 * too late (and whose event it would then send again anyway).
 */
export class LoadShedding {
  private readonly now: () => number;
  /** Start times of the inserts under way. */
  private readonly writing = new Map<symbol, number>();
  private lastSlowAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: LoadSheddingOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Throws backlog_full or store_slow when a delivery should not be taken now. */
  check(): void {
    if (this.opts.backlog() >= this.opts.maxPendingStarts) {
      throw new ReceiverRefusal('backlog_full', 'Too many events waiting to be started; try again later');
    }
    if (this.storeIsSlow()) throw new ReceiverRefusal('store_slow', 'The event store is slow; try again later');
  }

  /** Runs one store write, timing it. */
  async timed<T>(write: () => Promise<T>): Promise<T> {
    const key = Symbol('insert');
    const startedAt = this.now();
    this.writing.set(key, startedAt);
    try {
      return await write();
    } finally {
      this.writing.delete(key);
      if (this.now() - startedAt > this.opts.storeSlowMs) this.lastSlowAt = this.now();
    }
  }

  /**
   * A write still running past the deadline, or one that ended past it within the last second. The
   * latter lapses by itself, so once the store recovers a delivery gets through and shows it.
   */
  private storeIsSlow(): boolean {
    const now = this.now();
    if (now - this.lastSlowAt < SLOW_HOLD_MS) return true;
    for (const startedAt of this.writing.values()) if (now - startedAt > this.opts.storeSlowMs) return true;
    return false;
  }
}

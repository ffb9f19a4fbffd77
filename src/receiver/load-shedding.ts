import { ReceiverRefusal } from './refusals';

export interface LoadSheddingOptions {
  /** Past this many events stored but not started, deliveries are refused (503 backlog_full). */
  readonly maxPendingStarts: number;
  /** When the store's typical write of late takes longer than this, it is slow (503 store_slow). */
  readonly storeSlowMs: number;
  /** Events stored but not started yet (EventStarter.backlog). */
  readonly backlog: () => number;
  readonly now?: () => number;
}

/** The writes that say how the store is doing now: those that ended this long ago at most, and those under way. */
const RECENT_MS = 1000;
/** Fewer recent writes than this say nothing: one slow write alone is an outlier, not a slow store. */
const MIN_RECENT_WRITES = 3;
/** Ended writes remembered at most (the newest), whatever the rate. */
const MAX_REMEMBERED = 256;

interface EndedWrite {
  readonly endedAt: number;
  readonly ms: number;
}

/**
 * Decides, from the headers' time on, whether a delivery can be taken now: refusing early, with a
 * 503 and Retry-After, lets the provider retry later instead of timing out on an answer that comes
 * too late (and whose event it would then send again anyway).
 *
 * The store is slow when most of its writes of the last second (more than half), counting those
 * still under way at their age so far, took longer than `storeSlowMs`. A majority ignores the odd
 * slow write (FerretDB on SQLite has a long tail under concurrency) but sees a store that is slow
 * for most writes, or one that stopped answering: then the writes waiting on it age past the
 * deadline. Once the store recovers, the slow writes leave the last second and deliveries are
 * taken again. The check runs on every delivery, so it counts in place: no copy, no sort.
 */
export class LoadShedding {
  private readonly now: () => number;
  /** Start times of the writes under way. */
  private readonly writing = new Map<symbol, number>();
  /** Ended writes, oldest first. */
  private readonly ended: EndedWrite[] = [];

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
    const key = Symbol('write');
    const startedAt = this.now();
    this.writing.set(key, startedAt);
    try {
      return await write();
    } finally {
      this.writing.delete(key);
      const endedAt = this.now();
      this.ended.push({ endedAt, ms: endedAt - startedAt });
      if (this.ended.length > MAX_REMEMBERED) this.ended.shift();
    }
  }

  private storeIsSlow(): boolean {
    const now = this.now();
    // Ended writes are in the order they ended: those older than the window are at the front.
    let expired = 0;
    while (expired < this.ended.length && now - (this.ended[expired]?.endedAt ?? now) > RECENT_MS) expired++;
    if (expired > 0) this.ended.splice(0, expired);
    const recent = this.ended.length + this.writing.size;
    if (recent < MIN_RECENT_WRITES) return false;
    let slow = 0;
    for (const w of this.ended) if (w.ms > this.opts.storeSlowMs) slow++;
    for (const startedAt of this.writing.values()) if (now - startedAt > this.opts.storeSlowMs) slow++;
    return slow * 2 > recent;
  }
}

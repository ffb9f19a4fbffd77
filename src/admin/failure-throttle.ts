import { throttleKey } from './throttle-key';

export interface FailureThrottleOptions {
  /** Failures an address may have within one window; the next request in it is refused. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Clients remembered at most, blocked ones included: memory stays bounded however many fail. */
  readonly maxTracked: number;
  readonly now?: () => number;
}

interface Window {
  readonly startedAt: number;
  failures: number;
}

/**
 * Counts failed attempts per client (see throttleKey: an IPv6 client by its /64) in fixed windows
 * that start at a client's first failure. Once a client has `maxFailures` in its window, it is
 * refused until the window ends.
 *
 * Clients still counting and clients blocked are kept apart, each map in the order its entries came
 * in, so expired entries are dropped from the fronts (a blocked one behind a later-ending one waits at
 * most one window, and is treated as ended meanwhile). A blocked client is never dropped before its
 * window ends: when the maps are full, the oldest counting client makes room, and when every place
 * holds a blocked client, a client not yet known is refused too until the first block ends (failing
 * closed: churning through addresses cannot buy an attacker fresh tries).
 */
export class FailureThrottle {
  private readonly counting = new Map<string, Window>();
  /** Blocked clients, with the time their block ends. */
  private readonly blocked = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly opts: FailureThrottleOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Whole seconds until `address` may try again; 0 when it may now. */
  retryAfterSeconds(address: string): number {
    const now = this.now();
    this.dropExpired(now);
    const key = throttleKey(address);
    const until = this.blocked.get(key) ?? (this.fullOfBlocked() ? this.firstBlockEnds() : now);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Counts a failure; true when it is the one that makes the address wait. */
  fail(address: string): boolean {
    const now = this.now();
    this.dropExpired(now);
    const key = throttleKey(address);
    const blockedUntil = this.blocked.get(key);
    if (blockedUntil !== undefined) {
      if (blockedUntil > now) return false;
      this.blocked.delete(key);
    }
    let window = this.counting.get(key);
    if (!window || now - window.startedAt >= this.opts.windowMs) {
      this.counting.delete(key);
      if (this.tracked >= this.opts.maxTracked) this.dropOldestCounting();
      // Every place holds a blocked client: this one is refused by retryAfterSeconds meanwhile.
      if (this.tracked >= this.opts.maxTracked) return false;
      window = { startedAt: now, failures: 0 };
      this.counting.set(key, window);
    }
    window.failures += 1;
    if (window.failures < this.opts.maxFailures) return false;
    this.counting.delete(key);
    this.blocked.set(key, window.startedAt + this.opts.windowMs);
    return true;
  }

  /** A success forgets the client's failures: an operator's earlier typos do not count towards a block. */
  succeed(address: string): void {
    this.counting.delete(throttleKey(address));
  }

  /** How many clients are remembered now, counting or blocked. */
  get tracked(): number {
    return this.counting.size + this.blocked.size;
  }

  /** Every place holds a blocked client (then none is counting). */
  private fullOfBlocked(): boolean {
    return this.blocked.size >= this.opts.maxTracked;
  }

  /**
   * When the front block ends: blocks are entered as they begin, each ending one window after its
   * client's first failure, so the front is among the first to end (within one window).
   */
  private firstBlockEnds(): number {
    const first = this.blocked.values().next();
    return first.done ? this.now() : first.value;
  }

  private dropExpired(now: number): void {
    for (const [key, window] of this.counting) {
      if (now - window.startedAt < this.opts.windowMs) break;
      this.counting.delete(key);
    }
    for (const [key, until] of this.blocked) {
      if (until > now) break;
      this.blocked.delete(key);
    }
  }

  private dropOldestCounting(): void {
    const oldest = this.counting.keys().next();
    if (!oldest.done) this.counting.delete(oldest.value);
  }
}

export interface FailureThrottleOptions {
  /** Failures an address may have within one window; the next request in it is refused. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Addresses remembered at most: memory stays bounded however many addresses fail. */
  readonly maxTracked: number;
  readonly now?: () => number;
}

interface Window {
  readonly startedAt: number;
  failures: number;
}

/**
 * Counts failed attempts per client address in fixed windows that start at an address's first
 * failure. Once an address has `maxFailures` in its window, it is refused until the window ends.
 *
 * The map keeps its entries in window-start order (an entry is re-inserted when a new window
 * starts), so expired windows are dropped from its front, and when it is full the oldest window
 * makes room.
 */
export class FailureThrottle {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;

  constructor(private readonly opts: FailureThrottleOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Whole seconds until `address` may try again; 0 when it may now. */
  retryAfterSeconds(address: string): number {
    const window = this.windows.get(address);
    if (!window || window.failures < this.opts.maxFailures) return 0;
    const left = window.startedAt + this.opts.windowMs - this.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  /** Counts a failure; true when it is the one that makes the address wait. */
  fail(address: string): boolean {
    const now = this.now();
    this.dropExpired(now);
    let window = this.windows.get(address);
    if (!window || now - window.startedAt >= this.opts.windowMs) {
      this.windows.delete(address);
      if (this.windows.size >= this.opts.maxTracked) this.dropOldest();
      window = { startedAt: now, failures: 0 };
      this.windows.set(address, window);
    }
    window.failures += 1;
    return window.failures === this.opts.maxFailures;
  }

  /** A success forgets the address's failures: an operator's earlier typos do not count towards a block. */
  succeed(address: string): void {
    this.windows.delete(address);
  }

  /** How many addresses are remembered now. */
  get tracked(): number {
    return this.windows.size;
  }

  private dropExpired(now: number): void {
    for (const [address, window] of this.windows) {
      if (now - window.startedAt < this.opts.windowMs) return;
      this.windows.delete(address);
    }
  }

  private dropOldest(): void {
    const oldest = this.windows.keys().next();
    if (!oldest.done) this.windows.delete(oldest.value);
  }
}

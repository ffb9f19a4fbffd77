import { setTimeout } from 'node:timers/promises';
import type { Logger } from '../logger';

export interface RetryOptions {
  /** What is attempted, for the log line: "worker connection to Temporal". */
  readonly what: string;
  readonly logger: Logger;
  /** Aborting ends the retries (a stop during an outage). */
  readonly signal: AbortSignal;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Calls `attempt` until it succeeds, waiting twice as long after each failure (capped), with one
 * warn line per failure. Resolves `{ value }`, or undefined once `signal` is aborted.
 */
export async function retryUntilDone<T>(attempt: () => Promise<T>, opts: RetryOptions): Promise<{ value: T } | undefined> {
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  let delayMs = opts.initialDelayMs ?? 500;
  for (let n = 1; !opts.signal.aborted; n++) {
    try {
      return { value: await attempt() };
    } catch (err) {
      if (opts.signal.aborted) break;
      opts.logger.warn(
        { attempt: n, retryInMs: delayMs, err: { name: errorName(err), message: errorMessage(err) } },
        `${opts.what} failed; retrying`,
      );
      await sleep(delayMs, opts.signal);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
  return undefined;
}

/** Resolves after `ms`, or at once (never rejecting) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return setTimeout(ms, undefined, { signal }).catch(() => {});
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

/** Connection errors name hosts and ports, not credentials; still bounded. */
function errorMessage(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}

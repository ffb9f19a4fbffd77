import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** True when something accepts TCP connections on host:port. */
export function portIsOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitOptions {
  /** Names what is awaited, for the timeout error: "Temporal at 127.0.0.1:7233". */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Returns a reason when waiting is pointless (the server process exited), checked between tries. */
  gaveUp?: () => string | undefined;
}

/**
 * Calls `attempt` until it resolves; it signals "not yet" by throwing. Fails with the last error
 * once the deadline passes or `gaveUp` has a reason.
 */
export async function waitFor(attempt: () => Promise<void>, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no attempt finished';
  for (;;) {
    try {
      await attempt();
      return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    const reason = opts.gaveUp?.();
    if (reason !== undefined) throw new Error(`${opts.what} ${reason}`);
    if (Date.now() >= deadline) {
      throw new Error(`${opts.what} did not answer within ${Math.round(opts.timeoutMs / 1000)}s (last error: ${last})`);
    }
    await sleep(opts.intervalMs ?? 250);
  }
}

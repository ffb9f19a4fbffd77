import { join } from 'node:path';

/** What an installer needs: where to put things, where to log, how to talk to the user. */
export interface InstallContext {
  /** The tools root (`.tools`). */
  readonly tools: string;
  /** Install output goes to `<logs>/install-<what>.log`. */
  readonly logs: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

/** Installs may take many minutes (a Go build); another process waiting on one waits that long. */
export const INSTALL_LOCK_TIMEOUT_MS = 30 * 60_000;

export function installLogFile(ctx: InstallContext, what: string): string {
  return join(ctx.logs, `install-${what}.log`);
}

export function seconds(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)}s`;
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath, run } from './process';

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

/** Creates a Python virtualenv at `venv` with the python3 on PATH; `hint` says what else would do. */
export async function createVenv(ctx: InstallContext, venv: string, logFile: string, hint: string): Promise<void> {
  const python = findOnPath('python3', ctx.env);
  if (python === undefined) throw new Error(`python3 not found: ${hint}`);
  mkdirSync(ctx.tools, { recursive: true });
  try {
    await run(python, ['-m', 'venv', venv], { env: ctx.env, logFile });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv): ${message}`);
  }
}

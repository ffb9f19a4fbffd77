import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestHookflow } from './hookflow';
import { testServices } from '../setup/root-hooks';

const CLI = resolve(__dirname, '../../src/cli/main.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** The environment the CLI needs to operate on a test hookflow's events: its servers, database and task queue. */
export function cliEnv(hookflow: TestHookflow, extra: Record<string, string> = {}): Record<string, string> {
  const services = testServices();
  return {
    TEMPORAL_ADDRESS: services.temporalAddress,
    TEMPORAL_NAMESPACE: hookflow.env.TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: hookflow.env.TEMPORAL_TASK_QUEUE,
    MONGO_URL: services.mongoUrl,
    MONGO_DB: hookflow.env.MONGO_DB,
    ...services.temporalEnv,
    ...extra,
  };
}

/** Runs the compiled `hookflow` CLI as a child process, as an operator would, with only `env` (and PATH). */
export function runCli(args: readonly string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliRun> {
  const started = Date.now();
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        done({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** Parses the CLI's `--json` output, failing with what it printed when that is not JSON. */
export function jsonOf(run: CliRun): unknown {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`not JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
  }
}

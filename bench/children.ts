/**
 * The processes under test run as children, so each one's memory and CPU can be read from /proc
 * and none of them shares an event loop with the load generator. Their output goes straight to a
 * log file (the bench never reads their per-request log lines while it measures); readiness and
 * results are read back from that file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ChildSpec {
  /** For messages. */
  readonly name: string;
  /** A compiled entry point, run with this Node. */
  readonly script: string;
  readonly args?: readonly string[];
  readonly nodeArgs?: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** stdout and stderr go here. */
  readonly logFile: string;
}

const POLL_MS = 100;

export class BenchChild {
  readonly pid: number;
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    readonly spec: ChildSpec,
    private readonly proc: ChildProcess,
  ) {
    if (proc.pid === undefined) throw new Error(`bench: could not start ${spec.name}`);
    this.pid = proc.pid;
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }

  /**
   * Resolves with the first value `parse` returns for a line of output; rejects if the child
   * exits first or the time runs out, quoting its last lines.
   */
  async waitFor<T>(parse: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const exited = this.exitCode !== undefined;
      const lines = this.output();
      for (const line of lines) {
        const value = parse(line);
        if (value !== undefined) return value;
      }
      const why = exited ? `exited with code ${this.exitCode}` : Date.now() > deadline ? `gave no expected answer within ${timeoutMs} ms` : undefined;
      if (why) throw new Error(`bench: ${this.spec.name} ${why}; see ${this.spec.logFile}\n${lines.slice(-15).join('\n')}`);
      await sleep(POLL_MS);
    }
  }

  output(): string[] {
    return readFileSync(this.spec.logFile, 'utf8').split('\n');
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 35_000): Promise<number | null> {
    if (this.exitCode !== undefined) return this.exitCode;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

export function startChild(spec: ChildSpec): BenchChild {
  const fd = openSync(spec.logFile, 'a');
  try {
    const proc = spawn(process.execPath, [...(spec.nodeArgs ?? []), spec.script, ...(spec.args ?? [])], {
      env: spec.env,
      stdio: ['ignore', fd, fd],
    });
    return new BenchChild(spec, proc);
  } finally {
    closeSync(fd);
  }
}

/** A JSON object on one line, or undefined for any other line. */
export function jsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

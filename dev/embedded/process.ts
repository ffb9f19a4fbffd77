import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, appendFileSync, closeSync, constants, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The absolute path of an executable named `name` on PATH, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Output is appended here as well as kept for the error message. */
  logFile?: string;
  /** Run as this user instead of ours (PostgreSQL refuses to run as root). */
  user?: RunAs;
}

/** A user (and group) to run a program as. */
export interface RunAs {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * Runs a command to completion (an install step), resolving with its combined output. A failure
 * names the command and ends with the last lines it printed.
 */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const shown = [command, ...args].join(' ');
  if (opts.logFile !== undefined) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    appendFileSync(opts.logFile, `\n$ ${shown}\n`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], ...asUser(opts.user) });
    const chunks: Buffer[] = [];
    const collect = (chunk: Buffer): void => {
      chunks.push(chunk);
      if (opts.logFile !== undefined) appendFileSync(opts.logFile, chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err) => reject(new Error(`cannot run ${command}: ${err.message}`)));
    child.once('close', (code, signal) => {
      const output = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolve(output);
      else reject(new Error(`${shown} failed (${signal ?? `exit ${String(code)}`}):\n${lastLines(output, 15)}`));
    });
  });
}

export interface SpawnOptions {
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Own session and process group, so the server outlives this process (the `up` command) and a
   * Ctrl-C in this terminal does not reach it. When false, the server shares our process group:
   * a Ctrl-C that ends a test run or `npm start` ends the server too.
   */
  detached: boolean;
  /** Run as this user instead of ours. */
  user?: RunAs;
}

export interface Spawned {
  readonly pid: number;
  /** Where this run's output starts in the log file (for logTail). */
  readonly logOffset: number;
  /** Set once the process has exited: how it ended. */
  exitReason(): string | undefined;
  readonly child: ChildProcess;
}

/** Starts a long-running server with stdout and stderr appended to `logFile`. */
export async function spawnServer(command: string, args: readonly string[], opts: SpawnOptions): Promise<Spawned> {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  appendFileSync(opts.logFile, `\n=== ${new Date().toISOString()} pid ${process.pid} starts: ${[command, ...args].join(' ')}\n`);
  const logOffset = statSync(opts.logFile).size;
  const fd = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', fd, fd], detached: opts.detached, ...asUser(opts.user) });
  } finally {
    closeSync(fd);
  }
  let exitReason: string | undefined;
  child.once('exit', (code, signal) => {
    exitReason = signal !== null ? `was killed by ${signal}` : `exited with code ${String(code)}`;
  });
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`cannot start ${command}: ${err.message}`);
  }
  child.on('error', () => undefined); // reported through exitReason; never an unhandled 'error'
  child.unref();
  return { pid, logOffset, child, exitReason: () => exitReason };
}

function asUser(user: RunAs | undefined): { uid?: number; gid?: number } {
  return user === undefined ? {} : { uid: user.uid, gid: user.gid };
}

/** True while `pid` is a live process (a zombie waiting to be reaped counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return err instanceof Error && 'code' in err && err.code === 'EPERM';
  }
  const state = procState(pid);
  return state !== 'Z' && state !== 'X';
}

/** The state letter from /proc/<pid>/stat (Linux), or undefined where there is no /proc. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** argv[0] of a live process (Linux), or undefined where that cannot be read. */
export function processCommand(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
  } catch {
    return undefined;
  }
}

export interface StopOptions {
  /** Signal the whole process group (the server was started detached, as its group's leader). */
  group: boolean;
  /** How long SIGTERM gets before SIGKILL. */
  graceMs?: number;
}

export type StopResult = 'not-running' | 'stopped' | 'killed';

/** SIGTERM, wait for the exit, SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(pid: number, opts: StopOptions): Promise<StopResult> {
  if (!isRunning(pid)) return 'not-running';
  signal(pid, opts.group, 'SIGTERM');
  let result: StopResult = 'stopped';
  if (!(await exited(pid, opts.graceMs ?? 10_000))) {
    signal(pid, opts.group, 'SIGKILL');
    result = 'killed';
    if (!(await exited(pid, 5_000))) throw new Error(`process ${pid} is still running after SIGKILL`);
  }
  // Whatever the leader left behind in its group goes with it.
  if (opts.group) signal(pid, true, 'SIGKILL');
  return result;
}

function signal(pid: number, group: boolean, name: NodeJS.Signals): void {
  try {
    process.kill(group ? -pid : pid, name);
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'ESRCH')) throw err;
  }
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/** The last `count` lines of a log file from byte `from` on, for error messages ("" if unreadable). */
export function logTail(file: string, count = 15, from = 0): string {
  try {
    const size = statSync(file).size;
    const length = Math.max(0, Math.min(size - from, 16 * 1024));
    const buffer = Buffer.alloc(length);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buffer, 0, length, size - length);
    } finally {
      closeSync(fd);
    }
    return lastLines(buffer.toString('utf8'), count);
  } catch {
    return '';
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

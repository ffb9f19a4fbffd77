import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRunning } from './process';

export interface LockOptions {
  /** What the lock guards, for the "waiting for" line and the timeout error. */
  what: string;
  timeoutMs: number;
  log?: (line: string) => void;
}

/**
 * Runs `fn` while holding an exclusive lock file, so two processes (two `up`s, or `up` and a test
 * run) never install into, or start a server on, the same place at once. The file holds the
 * owner's PID: a lock whose owner died is taken over rather than waited for.
 */
export async function withLock<T>(file: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + opts.timeoutMs;
  let announced = false;
  for (;;) {
    if (tryAcquire(file)) break;
    const owner = lockOwner(file);
    if (owner === 'stale') {
      removeIfPresent(file);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${opts.what}: ${file} is held by pid ${owner}; remove it if that process is gone`);
    }
    if (!announced) {
      opts.log?.(`waiting for ${opts.what} (held by pid ${owner})...`);
      announced = true;
    }
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    if (lockOwner(file) === process.pid) removeIfPresent(file);
  }
}

function tryAcquire(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    throw err;
  }
  try {
    writeSync(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The owner's PID, or 'stale' when the owner is gone (or the file was left half-written long ago). */
function lockOwner(file: string): number | 'stale' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 'stale';
    throw err;
  }
  const pid = Number(text);
  if (Number.isInteger(pid) && pid > 0) return isRunning(pid) ? pid : 'stale';
  // Empty: the owner is between open() and write(). Only a file that stays empty is stale.
  return ageMs(file) > 10_000 ? 'stale' : 0;
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && 'code' in err && err.code === code;
}

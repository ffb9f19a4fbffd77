import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isErrno } from './lock';
import { isRunning, processCommand } from './process';

export type ServerName = 'temporal' | 'mongo' | 'temporal-ui' | 'temporal-cluster' | 'postgres';

/** Every server `down` stops, in this order: a Temporal server after its UI, before the PostgreSQL it uses. */
export const SERVER_NAMES: readonly ServerName[] = ['temporal', 'temporal-ui', 'temporal-cluster', 'mongo', 'postgres'];

/** What `<data>/pids/<name>.json` records about a server one of our commands started. */
export interface PidRecord {
  readonly pid: number;
  /** Started detached as its own process group's leader (by `up`): stop the whole group. */
  readonly group: boolean;
  readonly command: string;
  readonly args: readonly string[];
  /** The address clients use: host:port for Temporal, a mongodb:// URL for MongoDB. */
  readonly address: string;
  readonly startedAt: string;
}

export function pidFilePath(pidsDir: string, name: ServerName): string {
  return join(pidsDir, `${name}.json`);
}

export function readPidFile(file: string): PidRecord | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  const value: unknown = safeParse(text);
  return isPidRecord(value) ? value : undefined;
}

export function writePidFile(file: string, record: PidRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Removes the file, but only while it still describes `pid` (someone may have started a new one). */
export function removePidFile(file: string, pid?: number): void {
  if (pid !== undefined && readPidFile(file)?.pid !== pid) return;
  try {
    unlinkSync(file);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
}

/**
 * True when the recorded process is alive and still runs the recorded program: after a reboot
 * the PID may belong to something else, which we must never signal.
 */
export function isRecordedProcessAlive(record: PidRecord): boolean {
  if (!isRunning(record.pid)) return false;
  const command = processCommand(record.pid);
  return command === undefined || command === record.command;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isPidRecord(value: unknown): value is PidRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.pid === 'number' &&
    Number.isInteger(r.pid) &&
    r.pid > 0 &&
    typeof r.group === 'boolean' &&
    typeof r.command === 'string' &&
    Array.isArray(r.args) &&
    r.args.every((a) => typeof a === 'string') &&
    typeof r.address === 'string' &&
    typeof r.startedAt === 'string'
  );
}

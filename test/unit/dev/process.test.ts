import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withLock } from '../../../dev/embedded/lock';
import { isRecordedProcessAlive, readPidFile, removePidFile, writePidFile } from '../../../dev/embedded/pid-file';
import { isRunning, spawnServer, stopProcess } from '../../../dev/embedded/process';

describe('embedded process handling', () => {
  let dir: string;
  const leaders: number[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookflow-process-'));
  });
  afterEach(async () => {
    // A failed test must not leave its shells behind.
    for (const pid of leaders.splice(0)) await stopProcess(pid, { group: true, graceMs: 100 });
    rmSync(dir, { recursive: true, force: true });
  });

  /** A detached shell whose own child also runs, optionally deaf to SIGTERM. */
  async function spawnTree(ignoreTerm: boolean): Promise<{ leader: number; child: number }> {
    const pidFile = join(dir, 'child.pid');
    const trap = ignoreTerm ? 'trap "" TERM; ' : '';
    const script = `${trap}sleep 60 & echo $! > ${pidFile}; wait`;
    const server = await spawnServer('/bin/sh', ['-c', script], { logFile: join(dir, 'sh.log'), detached: true });
    for (let i = 0; i < 50 && readNumber(pidFile) === undefined; i++) await sleep(20);
    const child = readNumber(pidFile);
    leaders.push(server.pid);
    assert.ok(child !== undefined, 'the child never wrote its pid');
    return { leader: server.pid, child };
  }

  it('stopProcess({ group: true }) ends the leader and its children', async () => {
    const { leader, child } = await spawnTree(false);
    assert.equal(await stopProcess(leader, { group: true }), 'stopped');
    assert.equal(isRunning(leader), false);
    await sleep(100);
    assert.equal(isRunning(child), false);
  });

  it('stopProcess() falls back to SIGKILL after the grace period', async () => {
    const { leader, child } = await spawnTree(true);
    const started = Date.now();
    assert.equal(await stopProcess(leader, { group: true, graceMs: 300 }), 'killed');
    assert.ok(Date.now() - started >= 300, 'SIGKILL came before the grace period ended');
    await sleep(100);
    assert.equal(isRunning(child), false);
  });

  it('stopProcess() on a pid that is gone says so', async () => {
    const { leader } = await spawnTree(false);
    await stopProcess(leader, { group: true });
    assert.equal(await stopProcess(leader, { group: true }), 'not-running');
  });

  it('isRecordedProcessAlive() is false for a live pid that runs another program', async () => {
    const sleeper = await spawnServer('/bin/sleep', ['30'], { logFile: join(dir, 'sleep.log'), detached: true });
    leaders.push(sleeper.pid);
    const record = { pid: sleeper.pid, group: true, command: '/bin/sleep', args: ['30'], address: 'x', startedAt: 'now' };
    assert.equal(isRecordedProcessAlive(record), true);
    assert.equal(isRecordedProcessAlive({ ...record, command: '/not/our/server' }), false);
  });

  it('removePidFile(file, pid) leaves a file that now names another pid', () => {
    const file = join(dir, 'temporal.json');
    writePidFile(file, { pid: 42, group: true, command: '/bin/x', args: ['a'], address: '127.0.0.1:1', startedAt: 'then' });
    removePidFile(file, 43);
    assert.equal(readPidFile(file)?.pid, 42);
    removePidFile(file, 42);
    assert.equal(readPidFile(file), undefined);
  });

  it('withLock() runs one holder at a time', async () => {
    const lock = join(dir, 'x.lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withLock(lock, { what: name, timeoutMs: 5000 }, async () => {
        events.push(`${name} in`);
        await sleep(100);
        events.push(`${name} out`);
      });
    await Promise.all([hold('a'), hold('b')]);
    assert.deepEqual(events, ['a in', 'a out', 'b in', 'b out']);
  });

  it('withLock() takes over a lock whose owner is dead', async () => {
    const lock = join(dir, 'x.lock');
    const { leader } = await spawnTree(false);
    await stopProcess(leader, { group: true });
    writeFileSync(lock, String(leader));
    assert.equal(await withLock(lock, { what: 'stale', timeoutMs: 1000 }, () => Promise.resolve('ran')), 'ran');
  });
});

function readNumber(file: string): number | undefined {
  try {
    const value = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkMongo } from '../../dev/embedded/mongo-server';
import { pidFilePath } from '../../dev/embedded/pid-file';
import { portIsOpen } from '../../dev/embedded/probe';
import { startStore, type RunningStore } from '../../dev/embedded/services';
import { freePorts } from '../helpers/ports';

/** startStore: the embedded MongoDB alone, for tools that need no Temporal (bench:store-writes). */
describe('startStore(): MongoDB without Temporal', function () {
  this.timeout(180_000); // a first FerretDB build on a fresh clone takes minutes
  let dataDir: string;
  let mongoPort: number;
  let temporalPort: number;
  const started: RunningStore[] = [];

  before(async function () {
    dataDir = mkdtempSync(join(tmpdir(), 'hookflow-store-only-'));
    [mongoPort, temporalPort] = (await freePorts(2)) as [number, number];
  });

  after(async function () {
    for (const store of started) await store.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts MongoDB, starts no Temporal, reuses a running MongoDB, and stops only what it started', async function () {
    const env = { ...process.env, MONGO_URL: '', TEMPORAL_ADDRESS: '' };
    const store = await startStore({ dataDir, mongoPort, temporalPort, env });
    started.push(store);
    assert.equal(store.startedByUs, true);
    assert.equal(store.mongoUrl, `mongodb://127.0.0.1:${mongoPort}`);
    await checkMongo(store.mongoUrl);
    const pids = join(dataDir, 'pids');
    assert.equal(existsSync(pidFilePath(pids, 'mongo')), true);
    assert.equal(existsSync(pidFilePath(pids, 'temporal')), false);
    assert.equal(await portIsOpen('127.0.0.1', temporalPort), false, 'nothing listens on the Temporal port');

    // A second caller finds it running and leaves it to the first.
    const again = await startStore({ dataDir, mongoPort, temporalPort, env });
    started.push(again);
    assert.equal(again.startedByUs, false);
    await again.stop();
    await checkMongo(store.mongoUrl);

    await store.stop();
    assert.equal(existsSync(pidFilePath(pids, 'mongo')), false);
    await assert.rejects(checkMongo(store.mongoUrl, 1000));
  });
});

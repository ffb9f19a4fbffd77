import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import { EventStore } from '../../src/store/events';
import { PendingStartStore } from '../../src/store/pending-starts';
import { sweepFinishedEvents } from '../../src/store/retention';
import { newEvent } from '../helpers/new-event';
import { testServices } from '../setup/root-hooks';

/** The filters of the reads, updates and deletes a command carries (a write command may carry several). */
function filtersOf(event: CommandStartedEvent): Document[] {
  const { command } = event;
  switch (event.commandName) {
    case 'find':
      return [command.filter ?? {}];
    case 'update':
    case 'delete':
      return (command.updates ?? command.deletes ?? []).map((statement: Document) => statement.q ?? {});
    default:
      return [];
  }
}

/** A filter FerretDB 1.24 answers by looking the key up: exactly `{ _id: <value> }`, no operator, no other field. */
function isKeyLookup(filter: Document): boolean {
  const keys = Object.keys(filter);
  const id: unknown = filter._id;
  return keys.length === 1 && keys[0] === '_id' && (typeof id === 'string' || (typeof id === 'object' && id !== null && !Object.keys(id).some((k) => k.startsWith('$'))));
}

/**
 * FerretDB 1.24 (hookflow's stand-in for MongoDB here) uses no secondary index and reads the whole
 * collection for any filter but `{ _id }`: one such filter on the path every event takes cost 85 ms
 * at 3,000 events and held the worker to 7 events/s. Every read and write of an event's way through
 * hookflow must be a key lookup.
 */
describe("an event's reads and writes on its way through hookflow", function () {
  let client: MongoClient;
  let store: EventStore;
  let pendingStarts: PendingStartStore;
  const commands: CommandStartedEvent[] = [];
  const dbName = `hookflow_test_key_lookups_${randomBytes(4).toString('hex')}`;

  before(async function () {
    client = new MongoClient(testServices().mongoUrl, { monitorCommands: true });
    client.on('commandStarted', (event) => commands.push(event));
    store = new EventStore(client.db(dbName));
    pendingStarts = new PendingStartStore(client.db(dbName));
    await store.ensureIndexes();
    await pendingStarts.ensureIndexes();
  });
  after(async function () {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('finds, updates and deletes by `_id` alone: the insert, the pending start, each status, each attempt, the redelivery', async function () {
    const receivedAt = new Date();
    commands.length = 0;
    const outcomes = await Promise.all(['a', 'b', 'c'].map((id) => store.insert(newEvent(id, { receivedAt }), receivedAt)));
    await Promise.all(outcomes.map((o) => pendingStarts.ensure(o.event, receivedAt)));
    await Promise.all(outcomes.map((o) => pendingStarts.remove(o.event._id)));
    for (const { event } of outcomes) {
      assert.equal(await store.setStatus(event._id, 'processing', new Date(), { runId: 'run-1', orderingKey: 'k' }), true);
      assert.ok(await store.get(event._id));
      await store.recordAttempt(event._id, { handler: 'h', attempt: 1, startedAt: new Date(), durationMs: 1, outcome: 'succeeded' });
      assert.equal(await store.setStatus(event._id, 'processed', new Date(), { note: 'done' }), true);
    }
    assert.equal((await store.insert(newEvent('a', { receivedAt }), receivedAt)).kind, 'duplicate');

    const filters = commands.flatMap(filtersOf);
    assert.ok(filters.length >= 3 + 3 * 4, `saw the filters: ${JSON.stringify(filters)}`);
    assert.deepEqual(filters.filter((f) => !isKeyLookup(f)), [], 'filters that are not a key lookup');
    assert.equal(await pendingStarts.count(), 0, 'the pending starts were removed');
    assert.deepEqual(
      (await store.get('s:a'))?.statusHistory.map((s) => s.status),
      ['received', 'processing', 'processed'],
    );
  });

  it('does not set the status of an expired event (its run must not revive it without its body)', async function () {
    const old = new Date('2020-01-01T00:00:00Z');
    const { event } = await store.insert(newEvent('old', { receivedAt: old }), old);
    await store.setStatus(event._id, 'processed', old);
    assert.equal(await sweepFinishedEvents(store, new Date('2021-01-01T00:00:00Z')), 1);

    assert.equal(await store.setStatus(event._id, 'processing', new Date()), false);
    assert.equal((await store.getStored(event._id))?.status, 'expired');
    assert.equal(await store.setStatus('s:never-stored', 'processing', new Date()), false);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { EventStore } from '../../src/store/events';
import { PendingStartStore } from '../../src/store/pending-starts';
import { useHookflow } from '../helpers/hookflow';
import { newEvent } from '../helpers/new-event';
import { post, type Answer } from '../helpers/http';
import { signStandard, standardSecret } from '../helpers/signed-event';
import { testServices } from '../setup/root-hooks';

/**
 * Writes made in one tick: the first goes to the store alone (nothing was in flight), the others
 * gather behind it and go together as soon as it is done.
 */
describe('group commit of inserts (real FerretDB)', function () {
  let client: MongoClient;
  let store: EventStore;
  let pendingStarts: PendingStartStore;
  /** The documents of each insert command sent to `events`. */
  const insertCommands: number[] = [];
  const dbName = `hookflow_test_group_${randomBytes(4).toString('hex')}`;

  before(async function () {
    client = new MongoClient(testServices().mongoUrl, { monitorCommands: true });
    client.on('commandStarted', (e: CommandStartedEvent) => {
      if (e.commandName === 'insert' && e.command.insert === 'events') insertCommands.push((e.command.documents as unknown[]).length);
    });
    store = new EventStore(client.db(dbName));
    pendingStarts = new PendingStartStore(client.db(dbName));
    await store.ensureIndexes();
    await pendingStarts.ensureIndexes();
  });
  beforeEach(() => insertCommands.splice(0));
  after(async function () {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('stores every one of many concurrent distinct events, in fewer insert commands than events', async function () {
    const ids = Array.from({ length: 40 }, (_, i) => `distinct-${i}`);
    const outcomes = await Promise.all(ids.map((id) => store.insert(newEvent(id), new Date())));
    assert.deepEqual(outcomes.map((o) => o.kind), ids.map(() => 'inserted'));
    assert.equal(await store.collection.countDocuments({ eventId: { $in: ids } }), ids.length);
    assert.deepEqual(insertCommands, [1, ids.length - 1]);
  });

  it("reports a group's copy of a stored event as a duplicate and stores the others", async function () {
    await store.insert(newEvent('stored-before'), new Date());
    insertCommands.splice(0);
    const outcomes = await Promise.all(
      ['lead-1', 'new-1', 'stored-before', 'new-2'].map((id) => store.insert(newEvent(id), new Date())),
    );
    assert.deepEqual(outcomes.map((o) => o.kind), ['inserted', 'inserted', 'duplicate', 'inserted']);
    assert.deepEqual(insertCommands, [1, 3], 'the copy went in one command with two new events');
    assert.equal(await store.collection.countDocuments({ eventId: { $in: ['new-1', 'new-2', 'stored-before'] } }), 3);
  });

  it("reports a group's event ID stored with another body as a conflict, keeping the first body", async function () {
    await store.insert(newEvent('conflicting', { body: '{"v":1}' }), new Date());
    const outcomes = await Promise.all([
      store.insert(newEvent('lead-2'), new Date()),
      store.insert(newEvent('conflicting', { body: '{"v":2}' }), new Date()),
      store.insert(newEvent('new-3'), new Date()),
    ]);
    assert.deepEqual(outcomes.map((o) => o.kind), ['inserted', 'conflict', 'inserted']);
    assert.equal(Buffer.from((await store.get('s:conflicting'))?.body.buffer ?? []).toString('utf8'), '{"v":1}');
  });

  it('stores one of two identical copies in one group and reports the other as its duplicate', async function () {
    const outcomes = await Promise.all([
      store.insert(newEvent('lead-3'), new Date()),
      store.insert(newEvent('twice'), new Date()),
      store.insert(newEvent('twice'), new Date()),
    ]);
    assert.deepEqual(insertCommands, [1, 2], 'both copies went in one command');
    assert.deepEqual(outcomes.map((o) => o.kind), ['inserted', 'inserted', 'duplicate']);
    assert.equal(await store.collection.countDocuments({ eventId: 'twice' }), 1);
  });

  it('records one pending start for copies recorded together, and tells which call recorded it', async function () {
    const event = { _id: 's:pending-twice', source: 's', provider: 'standard-webhooks', eventId: 'pending-twice', eventType: null, receivedAt: new Date() };
    const other = { ...event, _id: 's:pending-other', eventId: 'pending-other' };
    const due = new Date();
    const recorded = await Promise.all([pendingStarts.ensure(other, due), pendingStarts.ensure(event, due), pendingStarts.ensure(event, due)]);
    assert.deepEqual(recorded, [true, true, false]);
    assert.equal(await pendingStarts.collection.countDocuments({ _id: event._id }), 1);
    assert.equal(await pendingStarts.ensure(event, due), false, 'recorded already');
  });

  it('removes pending starts done together in one delete', async function () {
    const base = { source: 's', provider: 'standard-webhooks', eventType: null, receivedAt: new Date() };
    const ids = ['rm-1', 'rm-2', 'rm-3'];
    await Promise.all(ids.map((id) => pendingStarts.ensure({ ...base, _id: `s:${id}`, eventId: id }, new Date())));
    const deletes: number[] = [];
    const count = (e: CommandStartedEvent): void => {
      if (e.commandName === 'delete' && e.command.delete === 'pending_starts') deletes.push(1);
    };
    client.on('commandStarted', count);
    try {
      await Promise.all(ids.map((id) => pendingStarts.remove(`s:${id}`)));
    } finally {
      client.off('commandStarted', count);
    }
    assert.equal(deletes.length, 2, 'the first alone, the two done meanwhile together');
    assert.equal(await pendingStarts.collection.countDocuments({ _id: { $in: ids.map((id) => `s:${id}`) } }), 0);
  });
});

describe('EventStore.ensureIndexes (real FerretDB)', function () {
  let client: MongoClient;
  const dbName = `hookflow_test_indexes_${randomBytes(4).toString('hex')}`;

  before(() => {
    client = new MongoClient(testServices().mongoUrl);
  });
  after(async function () {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it("replaces the status index's old name `relay` on a database set up before, and is a no-op the second time", async function () {
    const events = client.db(dbName).collection('events');
    await events.createIndex({ status: 1, receivedAt: 1 }, { name: 'relay' });
    const store = new EventStore(client.db(dbName));
    await store.ensureIndexes();
    const names = async (): Promise<string[]> => (await events.listIndexes().toArray()).map((i) => String(i.name)).sort();
    const after = await names();
    assert.ok(!after.includes('relay'), after.join(', '));
    assert.ok(after.includes('by_status_time'), after.join(', '));
    await store.ensureIndexes();
    assert.deepEqual(await names(), after);
  });
});

const SECRET = standardSecret('group-commit-test-secret');

describe('answers to deliveries stored together (real receiver)', function () {
  this.timeout(120_000);
  const hookflow = useHookflow({ config: { sources: { demo: { provider: 'standard-webhooks', secrets: [SECRET] } } }, worker: false });

  const send = (d: { body: string; headers: Record<string, string> }): Promise<Answer> => post(`${hookflow().url}/webhooks/demo`, d.body, d.headers);

  it('answers 202 to new events and 200 duplicate to a stored one, all sent at once', async function () {
    const stored = signStandard(SECRET, JSON.stringify({ type: 'group.test', n: 'first' }));
    assert.equal((await send(stored)).status, 202);
    const fresh = Array.from({ length: 12 }, (_, n) => signStandard(SECRET, JSON.stringify({ type: 'group.test', n })));
    const answers = await Promise.all([...fresh.slice(0, 6), stored, ...fresh.slice(6)].map(send));
    assert.deepEqual(answers.map((a) => a.status), [...fresh.slice(0, 6).map(() => 202), 200, ...fresh.slice(6).map(() => 202)]);
    assert.equal(answers[6]?.body.status, 'duplicate');
    assert.equal(await hookflow().store.collection.countDocuments({ eventId: { $in: fresh.map((d) => d.id) } }), fresh.length);
  });

  it('answers 409 to an event ID stored with another body, sent with new events at once', async function () {
    const first = signStandard(SECRET, JSON.stringify({ type: 'group.test', v: 1 }));
    assert.equal((await send(first)).status, 202);
    const other = signStandard(SECRET, JSON.stringify({ type: 'group.test', v: 2 }), first.id);
    const fresh = Array.from({ length: 6 }, (_, n) => signStandard(SECRET, JSON.stringify({ type: 'group.test', conflictRound: n })));
    const answers = await Promise.all([...fresh.slice(0, 1), other, ...fresh.slice(1)].map(send));
    assert.deepEqual(answers.map((a) => a.status), [202, 409, 202, 202, 202, 202, 202]);
    assert.equal(answers[1]?.body.error, 'event_id_conflict');
  });

  it('stores identical copies sent at once as one event: one 202, the others 200 duplicate', async function () {
    const event = signStandard(SECRET, JSON.stringify({ type: 'group.test', copies: true }));
    const answers = await Promise.all([event, event, event].map(send));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 202]);
    assert.equal(await hookflow().store.collection.countDocuments({ eventId: event.id }), 1);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Binary, MongoClient } from 'mongodb';
import { EventStore, type EventStatus } from '../../src/store/events';
import { sweepFinishedEvents } from '../../src/store/retention';
import { testServices } from '../setup/root-hooks';

describe('sweepFinishedEvents(store, cutoff)', function () {
  let client: MongoClient;
  let store: EventStore;
  const dbName = `hookflow_test_retention_${randomBytes(4).toString('hex')}`;

  before(async function () {
    client = new MongoClient(testServices().mongoUrl);
    store = new EventStore(client.db(dbName));
    await store.ensureIndexes();
  });
  after(async function () {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  async function stored(eventId: string, status: EventStatus, receivedAt: Date): Promise<void> {
    await store.insert(
      {
        source: 's',
        provider: 'standard-webhooks',
        eventId,
        eventType: null,
        body: new Binary(Buffer.from('{}')),
        bodySha256: eventId,
        contentType: 'application/json',
        headers: [],
        receivedAt,
        workflowId: `s:${eventId}`,
      },
      receivedAt,
      0,
    );
    if (status !== 'received') await store.setStatus(`s:${eventId}`, status, receivedAt);
    await store.recordAttempt(`s:${eventId}`, { handler: 'h', attempt: 1, startedAt: receivedAt, durationMs: 1, outcome: 'succeeded' });
  }

  it('removes old finished events and never an old event still in progress or failed', async function () {
    const old = new Date('2020-01-01T00:00:00Z');
    const recent = new Date();
    const statuses: EventStatus[] = ['received', 'started', 'processing', 'processed', 'failed', 'ignored', 'discarded'];
    for (const status of statuses) {
      await stored(`old-${status}`, status, old);
      await stored(`new-${status}`, status, recent);
    }

    const deleted = await sweepFinishedEvents(store, new Date('2021-01-01T00:00:00Z'));

    assert.equal(deleted, 3);
    const left = (await store.collection.find({}, { projection: { eventId: 1 } }).toArray()).map((d) => d.eventId).sort();
    const expected = [
      ...statuses.map((s) => `new-${s}`),
      ...['received', 'started', 'processing', 'failed'].map((s) => `old-${s}`),
    ].sort();
    assert.deepEqual(left, expected);
    const attemptsLeft = (await store.attempts.find({}).toArray()).map((a) => a.eventRef.slice(2)).sort();
    assert.deepEqual(attemptsLeft, expected, 'the attempts of removed events go with them');
  });
});

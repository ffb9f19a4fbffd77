import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { LiveEventStatus } from '../../src/event/status';
import { EventStore } from '../../src/store/events';
import { sweepFinishedEvents } from '../../src/store/retention';
import { cliEnv, runCli } from '../helpers/cli';
import { useHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { closedRun, sendAccepted, type AcceptedEvent } from '../helpers/operated-runs';
import { eventually } from '../helpers/eventually';
import { newEvent } from '../helpers/new-event';
import { signStandard, standardSecret } from '../helpers/signed-event';
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

  async function stored(eventId: string, status: LiveEventStatus, receivedAt: Date): Promise<void> {
    await store.insert(newEvent(eventId, { receivedAt }), receivedAt);
    if (status !== 'received') await store.setStatus(`s:${eventId}`, status, receivedAt);
    await store.recordAttempt(`s:${eventId}`, { handler: 'h', attempt: 1, startedAt: receivedAt, durationMs: 1, outcome: 'succeeded' });
  }

  it('expires old finished events in place and never an old event still in progress or failed', async function () {
    const old = new Date('2020-01-01T00:00:00Z');
    const recent = new Date();
    const statuses: LiveEventStatus[] = ['received', 'processing', 'processed', 'failed', 'ignored', 'discarded'];
    for (const status of statuses) {
      await stored(`old-${status}`, status, old);
      await stored(`new-${status}`, status, recent);
    }

    const expired = await sweepFinishedEvents(store, new Date('2021-01-01T00:00:00Z'));

    assert.equal(expired, 3);
    const byStatus = (await store.collection.find({}, { projection: { eventId: 1, status: 1 } }).toArray())
      .map((d) => `${d.eventId} ${d.status}`)
      .sort();
    const expected = [
      ...statuses.map((s) => `new-${s} ${s}`),
      ...['received', 'processing', 'failed'].map((s) => `old-${s} ${s}`),
      ...['processed', 'ignored', 'discarded'].map((s) => `old-${s} expired`),
    ].sort();
    assert.deepEqual(byStatus, expected);
    const attemptsLeft = (await store.attempts.find({}).toArray()).map((a) => a.eventRef.slice(2)).sort();
    assert.deepEqual(attemptsLeft, expected.filter((e) => !e.endsWith('expired')).map((e) => e.split(' ')[0]), 'the attempts of expired events go');
  });

  it('keeps only the key, identity, body hash, times and last run of an expired event', async function () {
    const at = new Date('2020-06-01T00:00:00Z');
    await stored('kept-fields', 'processed', at);
    const sweptAt = new Date('2021-02-01T00:00:00Z');

    await sweepFinishedEvents(store, new Date('2021-01-01T00:00:00Z'), sweptAt);

    assert.deepEqual(await store.getStored('s:kept-fields'), {
      _id: 's:kept-fields',
      source: 's',
      provider: 'standard-webhooks',
      eventId: 'kept-fields',
      eventType: 'order.created',
      bodySha256: newEvent('kept-fields').bodySha256,
      receivedAt: at,
      runId: null,
      status: 'expired',
      expiredAt: sweptAt,
    });
    assert.equal(await store.get('s:kept-fields'), null, 'no event with a payload under that ID any more');
  });
});

const SECRET = standardSecret('retention-test-secret');

/**
 * The README promises dedup for ever. Retention used to delete the event, and its `_id` with it, so
 * a provider's redelivery after RETENTION_DAYS was a new event and processed again.
 */
describe('a redelivery after retention', function () {
  this.timeout(120_000);
  // No routes: the event ends as ignored, a finished status retention expires.
  const hookflow = useHookflow({ config: { sources: { shop: { provider: 'standard-webhooks', secrets: [SECRET] } } } });
  let sent: AcceptedEvent;
  let firstRun: string;

  before(async function () {
    sent = await sendAccepted(hookflow(), 'shop', SECRET, { type: 'order.created', data: { id: 7 } });
    firstRun = await closedRun(hookflow().temporal, sent.workflowId);
    await eventually(async () => assert.equal((await hookflow().store.get(sent.workflowId))?.status, 'ignored'));
    assert.equal(await sweepFinishedEvents(hookflow().store, new Date(Date.now() + 60_000)), 1);
  });

  it('with a different body under the same event ID is refused with 409', async function () {
    const other = signStandard(SECRET, JSON.stringify({ type: 'order.created', data: { id: 8 } }), sent.eventId);
    const answer = await post(`${hookflow().url}/webhooks/shop`, other.body, other.headers);

    assert.equal(answer.status, 409, JSON.stringify(answer.body));
    assert.equal(answer.body.error, 'event_id_conflict');
  });

  it('is answered 200 duplicate and starts no new run', async function () {
    const again = signStandard(SECRET, sent.body, sent.eventId);
    const answer = await post(`${hookflow().url}/webhooks/shop`, again.body, again.headers);

    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { status: 'duplicate', eventId: sent.eventId, workflowId: sent.workflowId });
    const run = await hookflow().temporal.workflow.getHandle(sent.workflowId).describe();
    assert.equal(run.runId, firstRun, 'the only run is the first one');
    assert.equal((await hookflow().store.getStored(sent.workflowId))?.status, 'expired');
  });

  describe('operators see the expired event as expired', function () {
    it('events list leaves it out unless --status expired asks for it', async function () {
      const all = await runCli(['events', 'list'], cliEnv(hookflow()));
      assert.equal(all.code, 0, all.stderr);
      assert.ok(!all.stdout.includes(sent.workflowId), all.stdout);

      const expired = await runCli(['events', 'list', '--status', 'expired'], cliEnv(hookflow()));
      assert.equal(expired.code, 0, expired.stderr);
      assert.match(expired.stdout, new RegExp(`^${sent.workflowId}\\s+expired\\s+order\\.created\\s`, 'm'));
    });

    it('events show --body says it expired and that no payload is kept', async function () {
      const run = await runCli(['events', 'show', sent.workflowId, '--body', '--no-query'], cliEnv(hookflow()));
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Status\s+expired$/m);
      assert.match(run.stdout, /^Expired\s+\S+ \S+: retention kept only the ID and the body hash/m);
      assert.match(run.stdout, /^Body\s+not kept, sha256 [0-9a-f]{64}$/m);
      assert.ok(!run.stdout.includes('"id":7'), 'no body is printed');
    });

    it('replay is refused as a conflict (exit 1) saying why', async function () {
      const run = await runCli(['replay', sent.workflowId], cliEnv(hookflow()));
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /expired on \S+: retention kept only its ID and body hash/);
    });
  });
});

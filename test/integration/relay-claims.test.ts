import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { Binary } from 'mongodb';
import pino from 'pino';
import { StartRelay } from '../../src/temporal/relay';
import { eventually } from '../helpers/eventually';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';

// Every event goes to a handler that does nothing, so a processed event ends `processed`.
const CONFIG = {
  sources: { demo: { provider: 'standard-webhooks', secrets: ['whsec_' + Buffer.from('k').toString('base64')], routes: [{ handlers: ['noop'] }] } },
  handlers: { noop: { kind: 'module', module: require.resolve('../fixtures/handlers/test-handlers'), export: 'noop' } },
};

describe('StartRelay', function () {
  let hookflow: TestHookflow;

  before(async function () {
    // A worker but no receiver, so no relay runs except the ones this test makes.
    hookflow = await startTestHookflow({ config: CONFIG, receiver: false });
  });
  after(async function () {
    await hookflow?.stop();
  });

  it('two relays draining the same backlog start one run per event', async function () {
    const base = Date.now() - 60_000;
    const ids: string[] = [];
    for (let n = 0; n < 20; n++) {
      const eventId = `evt_${n}_${randomUUID()}`;
      ids.push(`demo:${eventId}`);
      const body = Buffer.from(JSON.stringify({ n }));
      const receivedAt = new Date(base + n * 10);
      // Stored as a receiver that died before starting would leave them: lease already expired.
      await hookflow.store.insert(
        {
          source: 'demo',
          provider: 'standard-webhooks',
          eventId,
          eventType: 'relay.test',
          body: new Binary(body),
          bodySha256: createHash('sha256').update(body).digest('hex'),
          contentType: 'application/json',
          headers: [],
          receivedAt,
          workflowId: `demo:${eventId}`,
        },
        receivedAt,
        0,
      );
    }

    const relay = () =>
      new StartRelay({
        store: hookflow.store,
        temporal: hookflow.temporal,
        taskQueue: hookflow.env.TEMPORAL_TASK_QUEUE,
        startTimeoutMs: 5000,
        intervalMs: 60_000,
        logger: pino({ level: 'silent' }),
      });
    const [a, b] = await Promise.all([relay().drain(), relay().drain()]);

    // On MongoDB a claim is atomic, so no event is even tried twice. FerretDB does not isolate
    // findAndModify, so both relays may try one; the workflow ID still lets only one run start.
    assert.equal(a + b, ids.length, 'between them the relays started one run per event');
    await eventually(async () => {
      assert.equal(await hookflow.store.collection.countDocuments({ _id: { $in: ids }, status: 'processed' }), ids.length);
    }, 60_000);
  });

  it('leaves an event whose lease has not expired to its owner', async function () {
    const eventId = `evt_leased_${randomUUID()}`;
    const body = Buffer.from('{}');
    await hookflow.store.insert(
      {
        source: 'demo',
        provider: 'standard-webhooks',
        eventId,
        eventType: null,
        body: new Binary(body),
        bodySha256: createHash('sha256').update(body).digest('hex'),
        contentType: 'application/json',
        headers: [],
        receivedAt: new Date(),
        workflowId: `demo:${eventId}`,
      },
      new Date(),
      60_000,
    );
    const claimed = await hookflow.store.claimForStart(new Date(), 5000);
    assert.notEqual(claimed?._id, `demo:${eventId}`);
    assert.equal((await hookflow.store.get(`demo:${eventId}`))?.status, 'received');
  });
});

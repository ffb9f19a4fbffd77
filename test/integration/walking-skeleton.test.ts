import assert from 'node:assert/strict';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { eventually } from '../helpers/eventually';
import { signStandard, standardSecret } from '../helpers/signed-event';
import { startedRun } from '../helpers/runs';

const SECRET = standardSecret('walking-skeleton-test-secret');

/** Headers as a Standard Webhooks sender signs them, with the reference library, not our own code. */
const signed = (body: string): Record<string, string> => signStandard(SECRET, body).headers;

describe('walking skeleton: POST /webhooks/:source through MongoDB and Temporal', function () {
  let hookflow: TestHookflow;

  before(async function () {
    hookflow = await startTestHookflow({
      // Every event goes to a handler that does nothing: without a route an event would be `ignored`.
      config: {
        sources: { demo: { provider: 'standard-webhooks', secrets: [SECRET], routes: [{ handlers: ['noop'] }] } },
        handlers: { noop: { kind: 'module', module: require.resolve('../fixtures/handlers/test-handlers'), export: 'noop' } },
      },
    });
    assert.equal(await hookflow.storeReady(), true, 'the receiver answers 503 until its store is set up');
  });
  after(async function () {
    await hookflow?.stop();
  });

  it('stores a signed event, answers 202, and its workflow marks it processed', async function () {
    const body = JSON.stringify({ type: 'invoice.paid', data: { amount: 42 } });
    const headers = signed(body);
    const answer = await post(`${hookflow.url}/webhooks/demo`, body, headers);

    assert.equal(answer.status, 202);
    const workflowId = `demo:${headers['webhook-id']}`;
    assert.deepEqual(answer.body, { status: 'accepted', eventId: headers['webhook-id'], workflowId });

    const result: unknown = await (await startedRun(hookflow.temporal, workflowId)).result();
    assert.deepEqual(result, { status: 'processed' });
    const stored = await hookflow.store.get(workflowId);
    assert.ok(stored, 'event is stored');
    assert.equal(stored.status, 'processed');
    assert.equal(stored.eventType, 'invoice.paid');
    assert.equal(Buffer.from(stored.body.buffer).toString('utf8'), body, 'raw body is stored byte for byte');
    assert.deepEqual(
      stored.statusHistory.map((s) => s.status),
      ['received', 'processing', 'processed'],
    );
  });

  it('answers a redelivery 200 as a duplicate: one document, one workflow run', async function () {
    const body = JSON.stringify({ type: 'customer.created', data: {} });
    const headers = signed(body);
    const first = await post(`${hookflow.url}/webhooks/demo`, body, headers);
    const second = await post(`${hookflow.url}/webhooks/demo`, body, headers);

    assert.equal(first.status, 202);
    assert.equal(second.status, 200);
    assert.equal(second.body.status, 'duplicate');
    const workflowId = `demo:${headers['webhook-id']}`;
    assert.equal(await hookflow.store.collection.countDocuments({ eventId: headers['webhook-id'] }), 1);
    await (await startedRun(hookflow.temporal, workflowId)).result();
    // Visibility is eventually consistent: wait until the run shows, then count.
    const runs = await eventually(async () => {
      const found = [];
      for await (const run of hookflow.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) found.push(run);
      assert.ok(found.length > 0, 'run not visible yet');
      return found;
    });
    assert.equal(runs.length, 1);
    const described = await hookflow.temporal.workflow.getHandle(workflowId).describe();
    assert.equal(described.runId, (await hookflow.store.get(workflowId))?.runId, 'the only run is the one first started');
  });

  it('refuses a bad signature with 401 and stores nothing', async function () {
    const body = JSON.stringify({ type: 'x' });
    const headers = signed(body);
    const answer = await post(`${hookflow.url}/webhooks/demo`, JSON.stringify({ type: 'y' }), headers);
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error, 'invalid_signature');
    assert.equal(await hookflow.store.collection.countDocuments({ eventId: headers['webhook-id'] }), 0);
  });

  it('refuses a correctly signed body that is not JSON with 400 and stores nothing', async function () {
    const body = '{"type": "truncated';
    const headers = signed(body);
    const answer = await post(`${hookflow.url}/webhooks/demo`, body, headers);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_body');
    assert.equal(await hookflow.store.collection.countDocuments({ eventId: headers['webhook-id'] }), 0);
  });

  it('answers an unknown source with 404', async function () {
    const body = JSON.stringify({ type: 'x' });
    const answer = await post(`${hookflow.url}/webhooks/nope`, body, signed(body));
    assert.equal(answer.status, 404);
    assert.equal(answer.body.error, 'unknown_source');
  });
});

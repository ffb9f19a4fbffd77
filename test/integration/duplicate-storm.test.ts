import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { post, type Answer } from '../helpers/http';
import { untilAccepting } from '../helpers/ready';
import { countRuns } from '../helpers/runs';
import { signStandard, standardSecret, type SignedDelivery } from '../helpers/signed-event';

const SECRET = standardSecret('duplicate-storm-test-secret');
const CONFIG = { sources: { demo: { provider: 'standard-webhooks', secrets: [SECRET] } } };
const STORM = 50;

/** Sends every delivery at once, to the receivers in turn, and returns the answers in order. */
function storm(urls: readonly string[], deliveries: readonly SignedDelivery[]): Promise<Answer[]> {
  return Promise.all(deliveries.map((d, i) => post(`${urls[i % urls.length]}/webhooks/demo`, d.body, d.headers)));
}

function statusCounts(answers: readonly Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

/** Where a run leaves an event: processed, or ignored when no route wants it. */
const FINISHED: readonly string[] = ['processed', 'ignored'];

/**
 * Exactly one document and one completed run for the event, and its history shows one start and
 * one finish: a second run would have pushed a second one.
 */
async function assertProcessedOnce(hookflow: TestHookflow, delivery: SignedDelivery, body = delivery.body): Promise<void> {
  const workflowId = `demo:${delivery.id}`;
  await eventually(async () => {
    const stored = await hookflow.store.get(workflowId);
    assert.ok(stored && FINISHED.includes(stored.status), `status ${stored?.status}`);
  }, 60_000, 200);
  assert.equal(await hookflow.store.collection.countDocuments({ eventId: delivery.id }), 1, 'one document');
  const stored = await hookflow.store.get(workflowId);
  assert.ok(stored);
  assert.equal(Buffer.from(stored.body.buffer).toString('utf8'), body, 'the first body is kept');
  const history = stored.statusHistory.map((change) => change.status);
  assert.equal(history.filter((status) => status === 'received').length, 1, `one receipt in ${history.join(',')}`);
  assert.equal(history.filter((status) => FINISHED.includes(status)).length, 1, `one finish in ${history.join(',')}`);
  await eventually(async () => assert.ok((await countRuns(hookflow.temporal, workflowId)) >= 1), 30_000, 250);
  assert.equal(await countRuns(hookflow.temporal, workflowId), 1, 'one workflow run');
}

describe('duplicate storms', function () {
  this.timeout(180_000);
  let first: TestHookflow;
  let second: TestHookflow;

  before(async function () {
    first = await startTestHookflow({ config: CONFIG });
    // A second receiver and worker on the same database and task queue, as a second replica would be.
    second = await startTestHookflow({
      config: CONFIG,
      env: { MONGO_DB: first.env.MONGO_DB, TEMPORAL_TASK_QUEUE: first.env.TEMPORAL_TASK_QUEUE },
    });
    await Promise.all([untilAccepting(first.url, 'demo'), untilAccepting(second.url, 'demo')]);
  });
  after(async function () {
    // The first drops the shared database; the second only has to stop.
    await second?.stop();
    await first?.stop();
  });

  it(`the same event ${STORM} times at once to one receiver: one 202, the rest 200 duplicates, processed once`, async function () {
    const delivery = signStandard(SECRET, JSON.stringify({ type: 'storm.one', data: { n: 1 } }));
    const answers = await storm([first.url], Array.from({ length: STORM }, () => delivery));

    assert.deepEqual(statusCounts(answers), { 202: 1, 200: STORM - 1 });
    for (const a of answers.filter((x) => x.status === 200)) {
      assert.deepEqual(a.body, { status: 'duplicate', eventId: delivery.id, workflowId: `demo:${delivery.id}` });
    }
    await assertProcessedOnce(first, delivery);
  });

  it(`the same event ${STORM} times at once, split over two receivers sharing the servers: processed once`, async function () {
    const delivery = signStandard(SECRET, JSON.stringify({ type: 'storm.two', data: { n: 2 } }));
    const answers = await storm([first.url, second.url], Array.from({ length: STORM }, () => delivery));

    assert.deepEqual(statusCounts(answers), { 202: 1, 200: STORM - 1 });
    await assertProcessedOnce(first, delivery);
  });

  it('a provider retry (new timestamp and signature, same body) during a storm is a duplicate too', async function () {
    const body = JSON.stringify({ type: 'storm.retry', data: { n: 3 } });
    const original = signStandard(SECRET, body);
    const retried = signStandard(SECRET, body, original.id, new Date(Date.now() - 60_000));
    const answers = await storm([first.url, second.url], Array.from({ length: STORM }, (_, i) => (i % 2 ? original : retried)));

    assert.deepEqual(statusCounts(answers), { 202: 1, 200: STORM - 1 });
    await assertProcessedOnce(first, original);
  });

  it('the same event ID with another body after the first is stored: every one refused 409 event_id_conflict', async function () {
    const delivery = signStandard(SECRET, JSON.stringify({ type: 'conflict.after', data: { amount: 10 } }));
    const accepted = await post(`${first.url}/webhooks/demo`, delivery.body, delivery.headers);
    assert.equal(accepted.status, 202);

    const forged = Array.from({ length: 20 }, (_, n) =>
      signStandard(SECRET, JSON.stringify({ type: 'conflict.after', data: { amount: 1000 + n } }), delivery.id),
    );
    const answers = await storm([first.url, second.url], forged);
    assert.deepEqual(statusCounts(answers), { 409: forged.length });
    for (const a of answers) assert.equal(a.body.error, 'event_id_conflict');
    await assertProcessedOnce(first, delivery);
  });

  it('two bodies under one event ID racing to be first: one wins 202, its copies 200, the other body 409', async function () {
    const id = signStandard(SECRET, '{}').id;
    const a = signStandard(SECRET, JSON.stringify({ type: 'conflict.race', data: { body: 'a' } }), id);
    const b = signStandard(SECRET, JSON.stringify({ type: 'conflict.race', data: { body: 'b' } }), id);
    const deliveries = Array.from({ length: STORM }, (_, i) => (i % 2 ? a : b));
    const answers = await storm([first.url, second.url], deliveries);

    const winnerIndex = answers.findIndex((x) => x.status === 202);
    assert.ok(winnerIndex >= 0, 'one delivery is accepted');
    const winner = deliveries[winnerIndex];
    assert.ok(winner);
    answers.forEach((answer, i) => {
      const sameBody = deliveries[i]?.body === winner.body;
      if (i === winnerIndex) return;
      assert.equal(answer.status, sameBody ? 200 : 409, `delivery ${i} (${sameBody ? 'same' : 'other'} body)`);
    });
    await assertProcessedOnce(first, winner);
  });
});

import assert from 'node:assert/strict';
import { useHookflow } from '../helpers/hookflow';
import { forwardingTo, shopHookflow } from '../helpers/processing';
import { type Destination, answer, failTimes, useDestinations } from '../helpers/destination';
import { recordHistory } from '../helpers/histories';
import { sendEvent } from '../helpers/send-event';
import { standardSecret } from '../helpers/signed-event';
import { startedRun } from '../helpers/runs';

const SOURCE_SECRET = standardSecret('processing-delivery-source');
/** hookflow's own secret for forwards: the destinations verify with it. */
const FORWARD_SECRET = standardSecret('processing-delivery-forward');
/** How long the patient destination takes to answer: well past its route's 2 s heartbeat timeout. */
const PATIENT_DELAY_MS = 5000;

describe('processing: HTTP forwards with retries, timeouts and fan-out', function () {
  this.timeout(120_000);
  const d = useDestinations(FORWARD_SECRET, {
    flaky: failTimes(2, 503),
    signed: answer(204),
    limited: failTimes(1, 429, { 'retry-after': '2' }),
    slow: (index) => (index === 0 ? 'hang' : { status: 200 }),
    patient: () => ({ status: 200, delayMs: PATIENT_DELAY_MS }),
    fanA: answer(200),
    fanB: answer(200),
  });
  const hookflow = useHookflow(() => {
    const http = (destination: Destination, extra: object = {}) => forwardingTo(destination, FORWARD_SECRET, extra);
    const routes = [
      { match: { type: 'order.flaky' }, handlers: ['flaky'] },
      { match: { type: 'order.signed' }, handlers: ['signed'] },
      { match: { type: 'order.limited' }, handlers: ['limited'] },
      { match: { type: 'order.slow' }, handlers: ['slow'], timeout: '2s' },
      { match: { type: 'order.patient' }, handlers: ['patient'], timeout: '1m', heartbeat: '2s' },
      { match: { type: 'fanout.*' }, handlers: ['fan-a', 'fan-b'] },
    ];
    return shopHookflow(SOURCE_SECRET, routes, {
      flaky: http(d().flaky),
      signed: http(d().signed, { headers: { 'X-Team': 'orders' }, forwardHeaders: ['user-agent'] }),
      limited: http(d().limited),
      slow: http(d().slow),
      patient: http(d().patient),
      'fan-a': http(d().fanA),
      'fan-b': http(d().fanB),
    });
  });

  it('completes after N+1 attempts when the destination fails N times, recording each attempt', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.flaky', data: { id: 1 } });
    const handle = await startedRun(hookflow().temporal, sent.workflowId);

    assert.deepEqual(await handle.result(), { status: 'processed' });
    assert.equal(d().flaky.requestsFor(`${sent.workflowId}:flaky`).length, 3);
    assert.equal((await hookflow().store.get(sent.workflowId))?.status, 'processed');
    const attempts = await hookflow().store.attemptsOf(sent.workflowId);
    assert.deepEqual(
      attempts.map(({ handler, attempt, outcome, retryable, httpStatus }) => ({ handler, attempt, outcome, retryable, httpStatus })),
      [
        { handler: 'flaky', attempt: 1, outcome: 'failed', retryable: true, httpStatus: 503 },
        { handler: 'flaky', attempt: 2, outcome: 'failed', retryable: true, httpStatus: 503 },
        { handler: 'flaky', attempt: 3, outcome: 'succeeded', retryable: undefined, httpStatus: 200 },
      ],
    );
    assert.equal(attempts[0]?.error, 'destination answered HTTP 503');
    assert.ok(attempts.every((a) => a.startedAt instanceof Date && a.durationMs >= 0));
    await recordHistory(handle, 'retried-until-delivered');
  });

  it('forwards the raw body with a Standard Webhooks signature the destination verifies, and an idempotency key', async function () {
    const payload = { type: 'order.signed', data: { id: 2, note: 'spaces  and unicode ✓' } };
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, payload, { 'user-agent': 'shop-sender/1.0' });
    await (await startedRun(hookflow().temporal, sent.workflowId)).result();

    const [request, ...more] = d().signed.requestsFor(`${sent.workflowId}:signed`);
    assert.ok(request, 'the destination got the event');
    assert.equal(more.length, 0);
    assert.equal(request.verified, true, 'standardwebhooks verifies our signature');
    assert.equal(request.body.toString('utf8'), sent.body, 'the original body, byte for byte');
    assert.equal(request.headers['webhook-id'], `${sent.workflowId}:signed`);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-team'], 'orders', 'configured header');
    assert.equal(request.headers['user-agent'], 'shop-sender/1.0', 'forwarded header of the original delivery');
    assert.match(String(request.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('waits as long as Retry-After asks before the next attempt', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.limited' });
    assert.deepEqual(await (await startedRun(hookflow().temporal, sent.workflowId)).result(), { status: 'processed' });

    const [first, second] = d().limited.requestsFor(`${sent.workflowId}:limited`);
    assert.ok(first && second, 'two attempts');
    // The policy alone would retry after 100 ms; Retry-After: 2 asks for two seconds.
    assert.ok(second.atMs - first.atMs >= 1900, `retried after ${second.atMs - first.atMs} ms`);
    assert.deepEqual((await hookflow().store.attemptsOf(sent.workflowId)).map((a) => a.httpStatus), [429, 200]);
  });

  it('times out a slow attempt and retries it', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.slow' });
    assert.deepEqual(await (await startedRun(hookflow().temporal, sent.workflowId)).result(), { status: 'processed' });

    const attempts = await hookflow().store.attemptsOf(sent.workflowId);
    assert.deepEqual(attempts[0] && { outcome: attempts[0].outcome, retryable: attempts[0].retryable, error: attempts[0].error }, {
      outcome: 'failed',
      retryable: true,
      error: 'timed out after 2s',
    });
    assert.equal(attempts.at(-1)?.outcome, 'succeeded');
    assert.ok(d().slow.requestsFor(`${sent.workflowId}:slow`).length >= 2);
  });

  it('keeps a forward alive past its heartbeat timeout by heartbeating while it waits for the answer', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.patient' });
    assert.deepEqual(await (await startedRun(hookflow().temporal, sent.workflowId)).result(), { status: 'processed' });

    // Without heartbeats Temporal would time each attempt out after 2 s and none could succeed.
    const succeeded = (await hookflow().store.attemptsOf(sent.workflowId)).filter((a) => a.outcome === 'succeeded');
    assert.equal(succeeded.length, 1);
    assert.ok((succeeded[0]?.durationMs ?? 0) >= PATIENT_DELAY_MS, `the successful attempt took ${succeeded[0]?.durationMs} ms`);
  });

  it('fans out to both handlers of a route and completes when both succeed', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'fanout.created' });
    const handle = await startedRun(hookflow().temporal, sent.workflowId);
    assert.deepEqual(await handle.result(), { status: 'processed' });

    assert.equal(d().fanA.requestsFor(`${sent.workflowId}:fan-a`).length, 1);
    assert.equal(d().fanB.requestsFor(`${sent.workflowId}:fan-b`).length, 1);
    const attempts = await hookflow().store.attemptsOf(sent.workflowId);
    assert.deepEqual(attempts.map((a) => `${a.handler} ${a.outcome}`).sort(), ['fan-a succeeded', 'fan-b succeeded']);
    // In the Temporal UI each activity is labelled with its handler.
    const summaries = (await handle.fetchHistory()).events
      ?.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'forwardToHttpHandler')
      .map((e) => e.userMetadata?.summary?.data)
      .map((data): unknown => (data ? JSON.parse(Buffer.from(data).toString('utf8')) : undefined));
    assert.deepEqual(summaries?.sort(), ['forward to fan-a', 'forward to fan-b']);
    await recordHistory(handle, 'fan-out');
  });
});

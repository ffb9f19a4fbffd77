import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { WebhookStatus } from '../../src/temporal/search-attributes';
import { discardSignal, redeliverSignal, statusQuery } from '../../workflows/definitions';
import type { EventProcessingStatus } from '../../workflows/types';
import { received } from '../fixtures/handlers/test-handlers';
import { type Destination, answer, useDestinations } from '../helpers/destination';
import { eventually } from '../helpers/eventually';
import { recordHistory } from '../helpers/histories';
import { useHookflow } from '../helpers/hookflow';
import { forwardingTo, shopHookflow } from '../helpers/processing';
import { sendEvent } from '../helpers/send-event';
import { standardSecret } from '../helpers/signed-event';
import { startedRun } from '../helpers/runs';

const SOURCE_SECRET = standardSecret('processing-operator-source');
const FORWARD_SECRET = standardSecret('processing-operator-forward');
const TEST_HANDLERS = require.resolve('../fixtures/handlers/test-handlers');

describe('processing: failed events wait for an operator; module handlers; unrouted events', function () {
  this.timeout(120_000);
  const d = useDestinations(FORWARD_SECRET, {
    refusing: answer(422),
    good: answer(200),
    bad: answer(400),
    discarded: answer(404),
    stuck: () => 'hang',
  });
  const hookflow = useHookflow(() => {
    const http = (destination: Destination, extra: object = {}) => forwardingTo(destination, FORWARD_SECRET, extra);
    const module = (name: string) => ({ kind: 'module', module: TEST_HANDLERS, export: name });
    const routes = [
      { match: { type: 'order.refused' }, handlers: ['refusing'] },
      { match: { type: 'order.partly' }, handlers: ['good', 'bad'] },
      { match: { type: 'order.discarded' }, handlers: ['discarded'] },
      // Heartbeats carry the cancellation of a discard to the waiting forward.
      { match: { type: 'order.stuck' }, handlers: ['stuck'], timeout: '5m', heartbeat: '2s' },
      { match: { type: 'order.booked', field: { path: 'data.channel', equals: 'web' } }, handlers: ['collect'] },
      { match: { type: 'order.unbookable' }, handlers: ['reject'] },
    ];
    return shopHookflow(SOURCE_SECRET, routes, {
      refusing: http(d().refusing),
      good: http(d().good),
      bad: http(d().bad),
      discarded: http(d().discarded),
      stuck: http(d().stuck),
      collect: module('collect'),
      reject: module('reject'),
    });
  });

  /**
   * Resolves once the run reports a failed event waiting for an operator, and MongoDB says failed
   * too (the run accepts signals as soon as it decides, a moment before its write lands).
   */
  function waitingForOperator(handle: WorkflowHandle): Promise<EventProcessingStatus> {
    return eventually(async () => {
      const status = await handle.query(statusQuery);
      assert.equal(status.status, 'failed');
      assert.ok(status.waitingUntil, 'waiting for an operator');
      assert.equal((await hookflow().store.get(handle.workflowId))?.status, 'failed');
      return status;
    }, 60_000);
  }

  async function searchStatus(handle: WorkflowHandle): Promise<string | undefined> {
    return (await handle.describe()).typedSearchAttributes.get(WebhookStatus);
  }

  it('fails at once on a permanent 4xx, waits, and completes on redeliver once the destination is fixed', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.refused' });
    const handle = await startedRun(hookflow().temporal, sent.workflowId);

    const status = await waitingForOperator(handle);
    assert.deepEqual(status.handlers, [{ name: 'refusing', kind: 'http', state: 'failed', runs: 1, lastError: 'destination answered HTTP 422' }]);
    assert.ok(Date.parse(status.waitingUntil ?? '') > Date.now() + 6 * 86_400_000, 'waits the default week');
    assert.deepEqual(
      (await hookflow().store.attemptsOf(sent.workflowId)).map(({ attempt, outcome, retryable, httpStatus }) => ({ attempt, outcome, retryable, httpStatus })),
      [{ attempt: 1, outcome: 'failed', retryable: false, httpStatus: 422 }],
      'no retries after a 422',
    );
    await eventually(async () => assert.equal(await searchStatus(handle), 'failed'));

    d().refusing.behaviour = answer(200);
    await handle.signal(redeliverSignal, {});
    assert.deepEqual(await handle.result(), { status: 'processed' });
    assert.equal(await searchStatus(handle), 'processed');
    assert.deepEqual((await hookflow().store.attemptsOf(sent.workflowId)).map((a) => a.httpStatus), [422, 200]);
    const steps = (await hookflow().store.get(sent.workflowId))?.statusHistory.map((s) => s.status).filter((s) => s !== 'received');
    assert.deepEqual(steps, ['processing', 'failed', 'processing', 'processed']);
    await recordHistory(handle, 'failed-then-redelivered');
  });

  it('redelivers only the handler named in the signal', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.partly' });
    const handle = await startedRun(hookflow().temporal, sent.workflowId);

    const status = await waitingForOperator(handle);
    assert.deepEqual(
      status.handlers.map((h) => [h.name, h.state]),
      [
        ['good', 'succeeded'],
        ['bad', 'failed'],
      ],
    );
    d().bad.behaviour = answer(200);
    await handle.signal(redeliverSignal, { handler: 'bad' });
    assert.deepEqual(await handle.result(), { status: 'processed' });
    assert.equal(d().good.requestsFor(`${sent.workflowId}:good`).length, 1, 'the handler that succeeded is not called again');
    assert.equal(d().bad.requestsFor(`${sent.workflowId}:bad`).length, 2);
    await recordHistory(handle, 'redeliver-one-handler');
  });

  it('ends a failed event as discarded, with the reason, on discard', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.discarded' });
    const handle = await startedRun(hookflow().temporal, sent.workflowId);
    await waitingForOperator(handle);

    await handle.signal(discardSignal, { reason: 'customer deleted' });
    assert.deepEqual(await handle.result(), { status: 'discarded' });
    const stored = await hookflow().store.get(sent.workflowId);
    assert.equal(stored?.status, 'discarded');
    assert.equal(stored.statusHistory.at(-1)?.note, 'customer deleted');
    assert.equal(await searchStatus(handle), 'discarded');
    assert.equal((await handle.query(statusQuery)).discardReason, 'customer deleted');
    await recordHistory(handle, 'failed-then-discarded');
  });

  it('discards an event whose handler is still running, cancelling the handler', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.stuck' });
    const handle = await startedRun(hookflow().temporal, sent.workflowId);
    await eventually(() => assert.equal(d().stuck.requestsFor(`${sent.workflowId}:stuck`).length, 1), 60_000);

    await handle.signal(discardSignal, { reason: 'stuck for too long' });
    assert.deepEqual(await handle.result(), { status: 'discarded' });
    assert.deepEqual((await handle.query(statusQuery)).handlers.map((h) => [h.name, h.state]), [['stuck', 'cancelled']]);
    // The attempt learns of the cancellation at its next heartbeat and records it.
    const [attempt] = await eventually(async () => {
      const attempts = await hookflow().store.attemptsOf(sent.workflowId);
      assert.equal(attempts.length, 1);
      return attempts;
    }, 60_000);
    assert.match(attempt?.error ?? '', /^cancelled/);
    await recordHistory(handle, 'discarded-while-running');
  });

  it('completes an event that no route matches as ignored, calling no handler', async function () {
    // The type matches order.booked, but the payload field does not.
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.booked', data: { channel: 'phone' } });
    const handle = await startedRun(hookflow().temporal, sent.workflowId);

    assert.deepEqual(await handle.result(), { status: 'ignored' });
    assert.equal((await hookflow().store.get(sent.workflowId))?.status, 'ignored');
    assert.deepEqual(await hookflow().store.attemptsOf(sent.workflowId), []);
    assert.equal(await searchStatus(handle), 'ignored');
    assert.equal(received.filter((r) => r.event.eventId === sent.eventId).length, 0);
    await recordHistory(handle, 'ignored');
  });

  it('runs a module handler with the parsed event', async function () {
    const payload = { type: 'order.booked', data: { channel: 'web', total: 12.5 } };
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, payload);
    const handle = await startedRun(hookflow().temporal, sent.workflowId);

    assert.deepEqual(await handle.result(), { status: 'processed' });
    const [call, ...more] = received.filter((r) => r.event.eventId === sent.eventId);
    assert.ok(call, 'the handler was called');
    assert.equal(more.length, 0);
    const { event, attempt } = call;
    assert.equal(attempt, 1);
    assert.deepEqual(
      { source: event.source, eventType: event.eventType, body: event.body, webhookId: event.headers['webhook-id'] },
      { source: 'shop', eventType: 'order.booked', body: payload, webhookId: sent.eventId },
    );
    assert.ok(event.receivedAt instanceof Date);
    await recordHistory(handle, 'module-handler');
  });

  it('fails an event at once when a module handler throws NonRetryableHandlerError', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.unbookable' });
    const handle = await startedRun(hookflow().temporal, sent.workflowId);

    const status = await waitingForOperator(handle);
    assert.equal(status.handlers[0]?.lastError, `order ${sent.eventId} cannot be booked`);
    assert.deepEqual(
      (await hookflow().store.attemptsOf(sent.workflowId)).map(({ handler, outcome, retryable, error }) => ({ handler, outcome, retryable, error })),
      [{ handler: 'reject', outcome: 'failed', retryable: false, error: `order ${sent.eventId} cannot be booked` }],
    );
    await handle.signal(discardSignal, {});
    assert.deepEqual(await handle.result(), { status: 'discarded' });
  });
});

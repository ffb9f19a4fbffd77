import assert from 'node:assert/strict';
import { readPath } from '../../src/providers/json-path';
import { sequencerWorkflowId } from '../../src/event/ordering-key';
import type { EventDocument } from '../../src/store/events';
import { startEventWorkflow } from '../../src/temporal/start-event';
import { discardSignal, enqueueSignal, queueQuery, redeliverSignal, statusQuery } from '../../workflows/definitions';
import { sequenceOrderingKey } from '../../workflows/sequence-ordering-key';
import { cliEnv, jsonOf, runCli } from '../helpers/cli';
import { useDestinations } from '../helpers/destination';
import { eventually } from '../helpers/eventually';
import { recordHistory } from '../helpers/histories';
import { useHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { storeEvent } from '../helpers/operated-runs';
import {
  countProcessed,
  FORWARD_SECRET,
  interleaved,
  KeyedHandler,
  orderedConfig,
  receiptOrderPerKey,
  runKey,
  sendConcurrently,
  SOURCE_SECRET,
} from '../helpers/ordering';
import { signStandard } from '../helpers/signed-event';

describe('ordering: the events of one key handled one after another, in receipt order', function () {
  this.timeout(600_000);
  const handler = new KeyedHandler();
  const d = useDestinations(FORWARD_SECRET, { apply: handler.behaviour() });
  const hookflow = useHookflow(() => orderedConfig(d().apply));

  it('delivers 5 keys x 40 events sent by 4 concurrent clients in per-key receipt order, keys in parallel', async function () {
    const keys = [runKey('many-a'), runKey('many-b'), runKey('many-c'), runKey('many-d'), runKey('many-e')];
    await sendConcurrently(hookflow(), interleaved(keys, 40), 4);
    await eventually(async () => assert.equal(await countProcessed(hookflow(), 'many-'), 200), 500_000, 1000);

    const receipt = await receiptOrderPerKey(hookflow());
    const delivered = handler.delivered;
    for (const key of keys) {
      assert.equal(receipt.get(key)?.length, 40, `${key}: 40 stored`);
      assert.deepEqual(delivered.get(key), receipt.get(key), `${key}: delivered in the order received`);
    }
    assert.equal(handler.sameKeyOverlaps, 0, 'never two forwards of one key at once');
    assert.ok(handler.crossKeyOverlaps > 0, 'forwards of different keys overlapped');
  });

  it('lets a parked event block only its own key, shows who waits behind it, and redeliver releases the rest in order', async function () {
    const events = [...interleaved([runKey('park-blocked'), runKey('park-free')], 4)];
    const sent = await sendConcurrently(hookflow(), events, 1, (e) => (e.key === runKey('park-blocked') && e.seq === 1 ? { fail: true } : {}));
    const ref = (key: string, seq: number) => sent[events.findIndex((e) => e.key === key && e.seq === seq)]!.workflowId;
    const temporal = hookflow().temporal;

    await eventually(async () => assert.equal(await countProcessed(hookflow(), runKey('park-free')), 4), 120_000, 500);
    const parked = temporal.workflow.getHandle(ref(runKey('park-blocked'), 1));
    await eventually(async () => assert.equal((await parked.query(statusQuery)).status, 'failed'), 60_000, 250);
    await eventually(async () => {
      const third = await temporal.workflow.getHandle(ref(runKey('park-blocked'), 2)).query(statusQuery);
      assert.equal(third.status, 'queued');
      assert.deepEqual(third.ordering, { key: runKey('park-blocked'), waitingBehind: ref(runKey('park-blocked'), 1) });
    }, 30_000, 250);
    assert.deepEqual(handler.delivered.get(runKey('park-blocked')), [0], 'nothing after the parked event');

    handler.failMarked = false;
    await parked.signal(redeliverSignal, {});
    await eventually(async () => assert.equal(await countProcessed(hookflow(), runKey('park-blocked')), 4), 120_000, 500);
    assert.deepEqual(handler.delivered.get(runKey('park-blocked')), (await receiptOrderPerKey(hookflow())).get(runKey('park-blocked')));
    handler.failMarked = true;
  });

  it('lets discard take a queued event out of the queue, and discard of the parked one release the rest', async function () {
    const events = interleaved([runKey('discard')], 3);
    const sent = await sendConcurrently(hookflow(), events, 1, (e) => (e.seq === 0 ? { fail: true } : {}));
    const [parked, queued, last] = sent.map((s) => hookflow().temporal.workflow.getHandle(s.workflowId));
    await eventually(async () => assert.equal((await parked!.query(statusQuery)).status, 'failed'), 60_000, 250);
    await eventually(async () => assert.equal((await last!.query(statusQuery)).ordering?.waitingBehind, queued!.workflowId), 30_000, 250);

    await queued!.signal(discardSignal, { reason: 'superseded' });
    assert.deepEqual(await queued!.result(), { status: 'discarded' });
    await eventually(async () => assert.equal((await last!.query(statusQuery)).ordering?.waitingBehind, parked!.workflowId), 30_000, 250);
    await parked!.signal(discardSignal, {});
    assert.deepEqual(await last!.result(), { status: 'processed' });
    assert.deepEqual(handler.delivered.get(runKey('discard')), [2]);
  });

  it('hands the turn on when an operator terminates the run holding it: the sequencer finds the run closed', async function () {
    const temporal = hookflow().temporal;
    // This key's sequencer first checks its holder after 1 s instead of a minute.
    const sequencerId = sequencerWorkflowId('shop', runKey('terminated'));
    await temporal.workflow.start(sequenceOrderingKey, { workflowId: sequencerId, taskQueue: hookflow().env.TEMPORAL_TASK_QUEUE, args: [{ holderCheckMs: 1000 }] });
    const sent = await sendConcurrently(hookflow(), interleaved([runKey('terminated')], 3), 1, (e) => (e.seq === 0 ? { fail: true } : {}));
    const holder = temporal.workflow.getHandle(sent[0]!.workflowId);
    await eventually(async () => assert.equal((await holder.query(statusQuery)).status, 'failed'), 60_000, 250);
    assert.equal((await temporal.workflow.getHandle(sequencerId).query(queueQuery)).active?.ref, holder.workflowId, 'the parked event holds the turn');

    const terminated = await runCli(['terminate', holder.workflowId, '--reason', 'ended instead of discarded'], cliEnv(hookflow()));
    assert.equal(terminated.code, 0, terminated.stderr);
    await eventually(async () => assert.equal(await countProcessed(hookflow(), runKey('terminated')), 2), 120_000, 500);
    assert.deepEqual(handler.delivered.get(runKey('terminated')), [1, 2]);
  });

  it('hands events to the handler in receipt order when their runs start in the opposite order, within the default reorder window', async function () {
    // The starter starts events after their answer, up to 16 at once: runs may start in any order.
    // The worst case: the event received last starts first.
    const receivedFirst = Date.now();
    const stored: EventDocument[] = [];
    for (let seq = 0; seq < 5; seq++) {
      const payload = { type: 'order.updated', data: { customer: runKey('late-start'), seq } };
      stored.push(await storeEvent(hookflow(), { source: 'shop', eventType: payload.type, payload, receivedAt: new Date(receivedFirst + seq), leaseMs: 60_000, pendingStart: false }));
    }
    for (const event of [...stored].reverse()) await startEventWorkflow(hookflow().temporal, hookflow().env.TEMPORAL_TASK_QUEUE, event, 10_000);

    await eventually(async () => assert.equal(await countProcessed(hookflow(), runKey('late-start')), 5), 120_000, 500);
    assert.deepEqual(handler.delivered.get(runKey('late-start')), [0, 1, 2, 3, 4]);
  });

  it('with onFailure skip, lets the later events of a key go on while a failed one is parked', async function () {
    const events = interleaved([runKey('skip')], 3);
    const sent = await sendConcurrently(hookflow(), events, 1, (e) => (e.seq === 0 ? { fail: true } : {}), 'account.updated');
    await eventually(async () => assert.equal(await countProcessed(hookflow(), runKey('skip')), 2), 120_000, 500);
    const parked = await hookflow().temporal.workflow.getHandle(sent[0]!.workflowId).query(statusQuery);
    assert.equal(parked.status, 'failed');
    assert.deepEqual(handler.delivered.get(runKey('skip')), [1, 2]);
  });

  it('finds the events of one key: hookflow events list --key and the WebhookOrderingKey search attribute', async function () {
    const expected = (await hookflow().store.collection.find({ orderingKey: runKey('park-free') }).toArray()).map((e) => e._id).sort();
    assert.equal(expected.length, 4);
    const listed = jsonOf(await runCli(['events', 'list', '--json', '--key', runKey('park-free')], cliEnv(hookflow())));
    assert.ok(Array.isArray(listed));
    assert.deepEqual(listed.map((e) => readPath(e, '_id')).sort(), expected);
    await eventually(async () => {
      const found: string[] = [];
      for await (const run of hookflow().temporal.workflow.list({ query: `WebhookOrderingKey = '${runKey('park-free')}'` })) found.push(run.workflowId);
      assert.deepEqual(found.sort(), expected);
    }, 30_000, 500);
  });

  it('answers duplicates of queued events 200 and keeps one place for each in the queue', async function () {
    const payload = (seq: number) => JSON.stringify({ type: 'customer.updated', data: { customer: runKey('dup'), seq, fail: seq === 0 } });
    const deliveries = [0, 1, 2].map((seq) => signStandard(SOURCE_SECRET, payload(seq)));
    for (const delivery of deliveries) assert.equal((await post(`${hookflow().url}/webhooks/shop`, delivery.body, delivery.headers)).status, 202);
    const sequencer = hookflow().temporal.workflow.getHandle(sequencerWorkflowId('shop', runKey('dup')));
    const refs = deliveries.map((delivery) => `shop:${delivery.id}`);
    await eventually(async () => {
      const queue = await sequencer.query(queueQuery);
      assert.equal(queue.active?.ref, refs[0], 'the failing first event holds the turn');
      assert.deepEqual(queue.waiting.map((e) => e.ref), refs.slice(1));
    }, 120_000, 250);

    for (const delivery of deliveries.slice(1)) {
      const again = await post(`${hookflow().url}/webhooks/shop`, delivery.body, delivery.headers);
      assert.equal(again.status, 200);
      assert.equal(again.body.status, 'duplicate');
    }
    // An enqueue repeated by the run itself (a retried activity) is no second place either.
    const second = await hookflow().store.get(refs[1]!);
    await sequencer.signal(enqueueSignal, { ref: refs[1]!, receivedAtMs: second!.receivedAt.getTime(), reorderWindowMs: 0 });
    const queue = await sequencer.query(queueQuery);
    assert.deepEqual(queue.waiting.map((e) => e.ref), refs.slice(1));

    const first = hookflow().temporal.workflow.getHandle(refs[0]!);
    await eventually(async () => assert.equal((await first.query(statusQuery)).status, 'failed'), 60_000, 250);
    handler.failMarked = false;
    await first.signal(redeliverSignal, {});
    await eventually(async () => assert.equal(await countProcessed(hookflow(), 'dup'), 3), 120_000, 500);
    assert.deepEqual(handler.delivered.get(runKey('dup')), (await receiptOrderPerKey(hookflow())).get(runKey('dup')), 'each delivered once, in order');
    handler.failMarked = true;
  });

  it('continues the sequencer as new after its grants per run, keeping the queue and the order', async function () {
    const temporal = hookflow().temporal;
    const workflowId = sequencerWorkflowId('shop', runKey('can'));
    const first = await temporal.workflow.start(sequenceOrderingKey, { workflowId, taskQueue: hookflow().env.TEMPORAL_TASK_QUEUE, args: [{ grantsPerRun: 3 }] });
    const sent = await sendConcurrently(hookflow(), interleaved([runKey('can')], 8), 2);
    await eventually(async () => assert.equal(await countProcessed(hookflow(), 'can'), 8), 240_000, 500);

    assert.deepEqual(handler.delivered.get(runKey('can')), (await receiptOrderPerKey(hookflow())).get(runKey('can')));
    const firstRun = temporal.workflow.getHandle(workflowId, first.firstExecutionRunId);
    assert.equal((await firstRun.describe()).status.name, 'CONTINUED_AS_NEW');
    await recordHistory(firstRun, 'ordering-sequencer-continued');
    await recordHistory(temporal.workflow.getHandle(sent[0]!.workflowId), 'ordered-event');
  });
});

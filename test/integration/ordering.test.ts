import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { parseConfig } from '../../src/config/sources';
import { readPath } from '../../src/providers/json-path';
import { sequencerWorkflowId } from '../../src/event/ordering-key';
import { createWorker } from '../../src/worker/worker';
import type { WorkerGroup } from '../../src/worker/worker-group';
import { discardSignal, enqueueSignal, queueQuery, redeliverSignal, statusQuery } from '../../workflows/definitions';
import { sequenceOrderingKey } from '../../workflows/sequence-ordering-key';
import { cliEnv, jsonOf, runCli } from '../helpers/cli';
import { type Behaviour, type DeliveredRequest, type Destination, useDestinations } from '../helpers/destination';
import { eventually } from '../helpers/eventually';
import { recordHistory } from '../helpers/histories';
import { sharedWorkflowBundle, useHookflow, type TestHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { forwardingTo, shopHookflow } from '../helpers/processing';
import { sendEvent, type SentEvent } from '../helpers/send-event';
import { signStandard, standardSecret } from '../helpers/signed-event';
import { testServices } from '../setup/root-hooks';

const SOURCE_SECRET = standardSecret('ordering-source');
const FORWARD_SECRET = standardSecret('ordering-forward');
/** Each forward is answered this long after it arrives, so that forwards of different keys overlap. */
const HANDLER_MS = 150;
/**
 * Sequencer workflow IDs depend on the source and the key only, and the suite's Temporal namespace
 * outlives this run: keys unique to the run keep it off the sequencers of earlier runs.
 */
const RUN = randomBytes(4).toString('hex');
const key = (name: string): string => `${name}-${RUN}`;

interface Delivery {
  readonly key: string;
  readonly seq: number;
}

/**
 * A destination that answers 200 after HANDLER_MS (or `status` for events marked `fail`) and
 * notes which keys have a forward in flight: no key may ever have two, and different keys should.
 */
class KeyedHandler {
  readonly inFlight = new Map<string, number>();
  /** Per key, the sequence numbers answered 200, in order. */
  readonly delivered = new Map<string, number[]>();
  sameKeyOverlaps = 0;
  crossKeyOverlaps = 0;
  failMarked = true;

  behaviour(): Behaviour {
    return (_index, request) => {
      const { key, seq, fail } = payloadOf(request);
      if (fail && this.failMarked) return { status: 500 };
      const running = this.inFlight.get(key) ?? 0;
      if (running > 0) this.sameKeyOverlaps += 1;
      if ([...this.inFlight.entries()].some(([other, n]) => other !== key && n > 0)) this.crossKeyOverlaps += 1;
      this.inFlight.set(key, running + 1);
      this.delivered.set(key, [...(this.delivered.get(key) ?? []), seq]);
      // Set before the destination's own reply timer, with the same delay: it fires first.
      setTimeout(() => this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1), HANDLER_MS);
      return { status: 200, delayMs: HANDLER_MS };
    };
  }
}

function payloadOf(request: DeliveredRequest): { key: string; seq: number; fail: boolean } {
  const body = JSON.parse(request.body.toString('utf8')) as { data: { customer: string; seq: number; fail?: boolean } };
  return { key: body.data.customer, seq: body.data.seq, fail: body.data.fail === true };
}

/** Per key, the sequence numbers in the order hookflow received the events (stored receivedAt, ties by ID). */
async function receiptOrderPerKey(hookflow: TestHookflow): Promise<Map<string, number[]>> {
  const stored = await hookflow.store.collection.find({}).sort({ receivedAt: 1, _id: 1 }).toArray();
  const perKey = new Map<string, number[]>();
  for (const event of stored) {
    if (event.status === 'expired') continue;
    const body = JSON.parse(Buffer.from(event.body.buffer).toString('utf8')) as { data: { customer: string; seq: number } };
    perKey.set(body.data.customer, [...(perKey.get(body.data.customer) ?? []), body.data.seq]);
  }
  return perKey;
}

/** Sends the events from `clients` concurrent senders, each taking the next event of the list. */
async function sendConcurrently(
  hookflow: TestHookflow,
  events: readonly Delivery[],
  clients: number,
  extra: (d: Delivery) => object = () => ({}),
  type = 'customer.updated',
): Promise<SentEvent[]> {
  const sent: SentEvent[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < events.length; i = next++) {
        const d = events[i]!;
        sent.push(await sendEvent(hookflow.url, 'shop', SOURCE_SECRET, { type, data: { customer: d.key, seq: d.seq, ...extra(d) } }));
      }
    }),
  );
  return sent;
}

/** `perKey` events of each key, the keys interleaved: k0 #0, k1 #0, ..., k0 #1, ... */
function interleaved(keys: readonly string[], perKey: number): Delivery[] {
  return Array.from({ length: perKey }, (_, seq) => keys.map((key) => ({ key, seq }))).flat();
}

function orderedConfig(destination: Destination): ReturnType<typeof shopHookflow> {
  return shopHookflow(
    SOURCE_SECRET,
    [
      { match: { type: 'customer.*' }, handlers: ['apply'], ordering: { key: { field: 'data.customer' }, reorderWindow: '10s' } },
      { match: { type: 'account.*' }, handlers: ['apply'], ordering: { key: { field: 'data.customer' }, reorderWindow: '10s', onFailure: 'skip' } },
    ],
    { apply: forwardingTo(destination, FORWARD_SECRET) },
  );
}

async function countProcessed(hookflow: TestHookflow, keyPrefix: string): Promise<number> {
  return hookflow.store.collection.countDocuments({ status: 'processed', orderingKey: { $regex: `^${keyPrefix}` } });
}

describe('ordering: the events of one key handled one after another, in receipt order', function () {
  this.timeout(600_000);
  const handler = new KeyedHandler();
  const d = useDestinations(FORWARD_SECRET, { apply: handler.behaviour() });
  const hookflow = useHookflow(() => orderedConfig(d().apply));

  it('delivers 5 keys x 40 events sent by 4 concurrent clients in per-key receipt order, keys in parallel', async function () {
    const keys = [key('many-a'), key('many-b'), key('many-c'), key('many-d'), key('many-e')];
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
    const events = [...interleaved([key('park-blocked'), key('park-free')], 4)];
    const sent = await sendConcurrently(hookflow(), events, 1, (e) => (e.key === key('park-blocked') && e.seq === 1 ? { fail: true } : {}));
    const ref = (key: string, seq: number) => sent[events.findIndex((e) => e.key === key && e.seq === seq)]!.workflowId;
    const temporal = hookflow().temporal;

    await eventually(async () => assert.equal(await countProcessed(hookflow(), key('park-free')), 4), 120_000, 500);
    const parked = temporal.workflow.getHandle(ref(key('park-blocked'), 1));
    await eventually(async () => assert.equal((await parked.query(statusQuery)).status, 'failed'), 60_000, 250);
    await eventually(async () => {
      const third = await temporal.workflow.getHandle(ref(key('park-blocked'), 2)).query(statusQuery);
      assert.equal(third.status, 'queued');
      assert.deepEqual(third.ordering, { key: key('park-blocked'), waitingBehind: ref(key('park-blocked'), 1) });
    }, 30_000, 250);
    assert.deepEqual(handler.delivered.get(key('park-blocked')), [0], 'nothing after the parked event');

    handler.failMarked = false;
    await parked.signal(redeliverSignal, {});
    await eventually(async () => assert.equal(await countProcessed(hookflow(), key('park-blocked')), 4), 120_000, 500);
    assert.deepEqual(handler.delivered.get(key('park-blocked')), (await receiptOrderPerKey(hookflow())).get(key('park-blocked')));
    handler.failMarked = true;
  });

  it('lets discard take a queued event out of the queue, and discard of the parked one release the rest', async function () {
    const events = interleaved([key('discard')], 3);
    const sent = await sendConcurrently(hookflow(), events, 1, (e) => (e.seq === 0 ? { fail: true } : {}));
    const [parked, queued, last] = sent.map((s) => hookflow().temporal.workflow.getHandle(s.workflowId));
    await eventually(async () => assert.equal((await parked!.query(statusQuery)).status, 'failed'), 60_000, 250);
    await eventually(async () => assert.equal((await last!.query(statusQuery)).ordering?.waitingBehind, queued!.workflowId), 30_000, 250);

    await queued!.signal(discardSignal, { reason: 'superseded' });
    assert.deepEqual(await queued!.result(), { status: 'discarded' });
    await eventually(async () => assert.equal((await last!.query(statusQuery)).ordering?.waitingBehind, parked!.workflowId), 30_000, 250);
    await parked!.signal(discardSignal, {});
    assert.deepEqual(await last!.result(), { status: 'processed' });
    assert.deepEqual(handler.delivered.get(key('discard')), [2]);
  });

  it('with onFailure skip, lets the later events of a key go on while a failed one is parked', async function () {
    const events = interleaved([key('skip')], 3);
    const sent = await sendConcurrently(hookflow(), events, 1, (e) => (e.seq === 0 ? { fail: true } : {}), 'account.updated');
    await eventually(async () => assert.equal(await countProcessed(hookflow(), key('skip')), 2), 120_000, 500);
    const parked = await hookflow().temporal.workflow.getHandle(sent[0]!.workflowId).query(statusQuery);
    assert.equal(parked.status, 'failed');
    assert.deepEqual(handler.delivered.get(key('skip')), [1, 2]);
  });

  it('finds the events of one key: hookflow events list --key and the WebhookOrderingKey search attribute', async function () {
    const expected = (await hookflow().store.collection.find({ orderingKey: key('park-free') }).toArray()).map((e) => e._id).sort();
    assert.equal(expected.length, 4);
    const listed = jsonOf(await runCli(['events', 'list', '--json', '--key', key('park-free')], cliEnv(hookflow())));
    assert.ok(Array.isArray(listed));
    assert.deepEqual(listed.map((e) => readPath(e, '_id')).sort(), expected);
    await eventually(async () => {
      const found: string[] = [];
      for await (const run of hookflow().temporal.workflow.list({ query: `WebhookOrderingKey = '${key('park-free')}'` })) found.push(run.workflowId);
      assert.deepEqual(found.sort(), expected);
    }, 30_000, 500);
  });

  it('answers duplicates of queued events 200 and keeps one place for each in the queue', async function () {
    const payload = (seq: number) => JSON.stringify({ type: 'customer.updated', data: { customer: key('dup'), seq, fail: seq === 0 } });
    const deliveries = [0, 1, 2].map((seq) => signStandard(SOURCE_SECRET, payload(seq)));
    for (const delivery of deliveries) assert.equal((await post(`${hookflow().url}/webhooks/shop`, delivery.body, delivery.headers)).status, 202);
    const sequencer = hookflow().temporal.workflow.getHandle(sequencerWorkflowId('shop', key('dup')));
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
    assert.deepEqual(handler.delivered.get(key('dup')), (await receiptOrderPerKey(hookflow())).get(key('dup')), 'each delivered once, in order');
    handler.failMarked = true;
  });

  it('continues the sequencer as new after its grants per run, keeping the queue and the order', async function () {
    const temporal = hookflow().temporal;
    const workflowId = sequencerWorkflowId('shop', key('can'));
    const first = await temporal.workflow.start(sequenceOrderingKey, { workflowId, taskQueue: hookflow().env.TEMPORAL_TASK_QUEUE, args: [{ grantsPerRun: 3 }] });
    const sent = await sendConcurrently(hookflow(), interleaved([key('can')], 8), 2);
    await eventually(async () => assert.equal(await countProcessed(hookflow(), 'can'), 8), 240_000, 500);

    assert.deepEqual(handler.delivered.get(key('can')), (await receiptOrderPerKey(hookflow())).get(key('can')));
    const firstRun = temporal.workflow.getHandle(workflowId, first.firstExecutionRunId);
    assert.equal((await firstRun.describe()).status.name, 'CONTINUED_AS_NEW');
    await recordHistory(firstRun, 'ordering-sequencer-continued');
    await recordHistory(temporal.workflow.getHandle(sent[0]!.workflowId), 'ordered-event');
  });
});

describe('ordering: a worker stopped and started again mid-way', function () {
  this.timeout(600_000);
  const handler = new KeyedHandler();
  const d = useDestinations(FORWARD_SECRET, { apply: handler.behaviour() });
  const receiver = useHookflow(() => ({ ...orderedConfig(d().apply), worker: false }));
  let connection: NativeConnection | undefined;
  after(async function () {
    await connection?.close();
  });

  /** A worker of the receiver's task queue and database, in this process, like the one `npm run worker` runs. */
  async function startWorker(): Promise<{ worker: WorkerGroup; running: Promise<void> }> {
    connection ??= await NativeConnection.connect({ address: testServices().temporalAddress });
    const config = parseConfig(orderedConfig(d().apply).config, { defaultMaxBodyBytes: 1024 * 1024, baseDir: process.cwd(), label: 'ordering test' });
    const worker = await createWorker({
      connection,
      namespace: receiver().env.TEMPORAL_NAMESPACE,
      taskQueue: receiver().env.TEMPORAL_TASK_QUEUE,
      store: receiver().store,
      config,
      workflowBundle: await sharedWorkflowBundle(),
    });
    return { worker, running: worker.run() };
  }

  it('still delivers every key in receipt order', async function () {
    // A worker stopped (gracefully, in this process) rather than killed: its workflows' state is
    // only in Temporal either way, and the next worker replays it.
    const keys = [key('restart-a'), key('restart-b'), key('restart-c')];
    let current = await startWorker();
    const sending = sendConcurrently(receiver(), interleaved(keys, 12), 3);
    for (const processed of [6, 18]) {
      await eventually(async () => assert.ok((await countProcessed(receiver(), 'restart-')) >= processed), 300_000, 250);
      current.worker.shutdown();
      await current.running;
      current = await startWorker();
    }
    await sending;
    await eventually(async () => assert.equal(await countProcessed(receiver(), 'restart-'), 36), 300_000, 500);
    current.worker.shutdown();
    await current.running;

    const receipt = await receiptOrderPerKey(receiver());
    const delivered = handler.delivered;
    for (const key of keys) assert.deepEqual(delivered.get(key), receipt.get(key), `${key}: delivered in the order received`);
    assert.equal(handler.sameKeyOverlaps, 0, 'never two forwards of one key at once');
  });
});

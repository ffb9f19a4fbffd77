import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { StartRelay } from '../../src/temporal/relay';
import { startEventWorkflow } from '../../src/temporal/start-event';
import { eventually } from '../helpers/eventually';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { storeEvent } from '../helpers/operated-runs';
import { freePort } from '../helpers/ports';
import { standardSecret } from '../helpers/signed-event';

// Every event goes to a handler that does nothing, so a processed event ends `processed`.
const CONFIG = {
  sources: { demo: { provider: 'standard-webhooks', secrets: [standardSecret('relay-claims')], routes: [{ handlers: ['noop'] }] } },
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

  /** Stores an event and its pending start as a receiver would, leased for `leaseMs` from `receivedAt`; returns its `_id`. */
  async function store(receivedAt: Date, leaseMs: number): Promise<string> {
    return (await storeEvent(hookflow, { source: 'demo', eventType: 'relay.test', receivedAt, leaseMs }))._id;
  }

  function relay(opts: { temporal?: Client; logger?: pino.Logger; heldByStarter?: (id: string) => boolean } = {}): StartRelay {
    return new StartRelay({
      store: hookflow.store,
      pendingStarts: hookflow.pendingStarts,
      ...(opts.heldByStarter ? { heldByStarter: opts.heldByStarter } : {}),
      temporal: opts.temporal ?? hookflow.temporal,
      taskQueue: hookflow.env.TEMPORAL_TASK_QUEUE,
      startTimeoutMs: 5000,
      intervalMs: 60_000,
      logger: opts.logger ?? pino({ level: 'silent' }),
    });
  }

  /** A logger that keeps the relay's warnings, one JSON line each. */
  function capturedWarnings(): { lines: string[]; logger: pino.Logger } {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    return { lines, logger };
  }

  /** Whether Temporal has a run under this workflow ID. */
  async function hasRun(workflowId: string): Promise<boolean> {
    try {
      await hookflow.temporal.workflow.getHandle(workflowId).describe();
      return true;
    } catch (err) {
      if ((err as Error).name === 'WorkflowNotFoundError') return false;
      throw err;
    }
  }

  /** Whether the event still has a pending start. */
  async function isPending(id: string): Promise<boolean> {
    return (await hookflow.pendingStarts.collection.countDocuments({ _id: id })) === 1;
  }

  it('leaves an event held by its own starter to that starter', async function () {
    const id = await store(new Date(Date.now() - 60_000), 0);
    const { lines, logger } = capturedWarnings();
    // Temporal unreachable: any start the relay tries is logged as a failure.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    try {
      const held = relay({ temporal: new Client({ connection }), logger, heldByStarter: (candidate) => candidate === id });
      assert.equal(await held.drain(), 0);
      assert.deepEqual(lines, [], 'the held event was skipped without a start');
      assert.equal(await relay({ temporal: new Client({ connection }), logger }).drain(), 0);
      assert.equal(lines.length, 1, 'a relay not told about it does try to start it');
    } finally {
      await connection.close();
    }
    // Leave nothing due for the next tests.
    await relay().drain();
    await eventually(async () => assert.equal((await hookflow.store.get(id))?.status, 'processed'), 60_000);
  });

  it('two relays draining the same backlog start one run per event', async function () {
    const base = Date.now() - 60_000;
    const ids: string[] = [];
    // Stored as a receiver that died before starting would leave them: lease already expired.
    for (let n = 0; n < 20; n++) ids.push(await store(new Date(base + n * 10), 0));

    const [a, b] = await Promise.all([relay().drain(), relay().drain()]);

    // Both relays may try one event; the workflow ID lets only one run start.
    assert.equal(a + b, ids.length, 'between them the relays started one run per event');
    assert.equal(await hookflow.pendingStarts.collection.countDocuments({ _id: { $in: ids } }), 0, 'every pending start is done');
    await eventually(async () => {
      assert.equal(await hookflow.store.collection.countDocuments({ _id: { $in: ids }, status: 'processed' }), ids.length);
    }, 60_000);
  });

  it('leaves an event whose lease has not expired to its owner', async function () {
    const id = await store(new Date(), 60_000);
    await relay().drain();
    assert.equal(await hasRun(id), false, 'no run started for a leased event');
    assert.equal((await hookflow.store.get(id))?.status, 'received');
    assert.equal(await isPending(id), true);
    await hookflow.pendingStarts.remove(id);
  });

  it('drops the leftover pending start of an event whose run has reported, without starting it', async function () {
    const id = await store(new Date(Date.now() - 60_000), 0);
    // As if its run had started, run and reported, and only the pending start's removal was lost.
    assert.equal(await hookflow.store.setStatus(id, 'processed', new Date()), true);
    assert.equal(await relay().drain(), 0);
    assert.equal(await hasRun(id), false, 'no run started for it');
    assert.equal(await isPending(id), false, 'the leftover is gone');
  });

  it('never writes an event whose run already exists (the worker is its only writer)', async function () {
    const id = await store(new Date(Date.now() - 60_000), 0);
    const stored = await hookflow.store.get(id);
    assert.ok(stored);
    // Its run sits on a task queue no worker polls: started, but its worker has not reported yet.
    const run = await startEventWorkflow(hookflow.temporal, `nobody-${randomUUID()}`, stored, 5000);
    try {
      const r = relay();
      assert.equal(await r.drain(), 0, 'nothing new started');
      assert.equal(await isPending(id), false, 'its pending start is done');
      assert.deepEqual(await hookflow.store.get(id), stored, 'the event document is untouched');
    } finally {
      await hookflow.temporal.workflow.getHandle(id, run.runId ?? undefined).terminate('test cleanup');
    }
  });

  it('backs off in memory while Temporal is unreachable, leaving the event untouched', async function () {
    const id = await store(new Date(Date.now() - 60_000), 0);
    const stored = await hookflow.store.get(id);
    const { lines, logger } = capturedWarnings();
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    try {
      const r = relay({ temporal: new Client({ connection }), logger });
      assert.equal(await r.drain(), 0);
      assert.equal(await r.drain(), 0, 'the second pass, within the backoff, does not try');
      const warnings = lines.map((line) => JSON.parse(line) as { msg: string; failures: number; retryInMs: number });
      assert.equal(warnings.length, 1, 'one failed start, then a pause');
      assert.equal(warnings[0]?.msg, 'relay could not start workflow; will retry');
      assert.equal(warnings[0]?.failures, 1);
      assert.equal(warnings[0]?.retryInMs, 1000);
      assert.deepEqual(await hookflow.store.get(id), stored, 'the event document is untouched');
      assert.equal(await isPending(id), true, 'still to start');
    } finally {
      await connection.close();
    }
    // A relay that reaches Temporal starts it, and the worker runs it to its end.
    assert.ok((await relay().drain()) >= 1);
    await eventually(async () => assert.equal((await hookflow.store.get(id))?.status, 'processed'), 60_000);
  });
});

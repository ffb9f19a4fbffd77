import assert from 'node:assert/strict';
import type { Client, WorkflowClientInterceptor } from '@temporalio/client';
import pino from 'pino';
import type { StartableEvent } from '../../src/store/events';
import { createTemporalClient } from '../../src/temporal/client';
import { EventStarter } from '../../src/temporal/starter';
import { eventually } from '../helpers/eventually';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { storeEvent } from '../helpers/operated-runs';
import { countRuns } from '../helpers/runs';
import { testServices } from '../setup/root-hooks';

/** Watches the start calls made through a client: their order, and how many were in flight at once. */
class StartWatch {
  readonly order: string[] = [];
  /** When the first start call was made. */
  firstAt: number | undefined;
  maxInFlight = 0;
  private inFlight = 0;

  interceptor(): WorkflowClientInterceptor {
    return {
      startWithDetails: async (input, next) => {
        this.order.push(input.options.workflowId);
        this.firstAt ??= Date.now();
        this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
        try {
          return await next(input);
        } finally {
          this.inFlight--;
        }
      },
    };
  }
}

describe('EventStarter', function () {
  let hookflow: TestHookflow;
  const clients: Client[] = [];

  before(async function () {
    // A worker but no receiver: only the starter made here starts anything. No routes: runs end `ignored`.
    hookflow = await startTestHookflow({ config: { sources: { demo: { provider: 'standard-webhooks', secrets: ['whsec_' + Buffer.alloc(32, 7).toString('base64')] } } }, receiver: false });
  });
  after(async function () {
    await Promise.all(clients.map((c) => c.connection.close()));
    await hookflow?.stop();
  });

  /** A starter like the receiver's, its start calls watched by `watch`. */
  function newStarter(watch: StartWatch, opts: { concurrency?: number; busy?: () => boolean; yieldMaxMs?: number } = {}): EventStarter {
    const temporal = createTemporalClient({ address: testServices().temporalAddress }, hookflow.env.TEMPORAL_NAMESPACE, [watch.interceptor()]);
    clients.push(temporal);
    return new EventStarter({
      pendingStarts: hookflow.pendingStarts,
      temporal,
      taskQueue: hookflow.env.TEMPORAL_TASK_QUEUE,
      startTimeoutMs: 5000,
      concurrency: opts.concurrency ?? 3,
      maxQueued: 100,
      leaseMs: 30_000,
      recountMs: 60_000,
      logger: pino({ level: 'silent' }),
      ...(opts.busy ? { busy: opts.busy } : {}),
      ...(opts.yieldMaxMs === undefined ? {} : { yieldMaxMs: opts.yieldMaxMs }),
    });
  }

  /** Stores an event as the receiver does, received at `receivedAt`; the test submits it to its starter. */
  function store(receivedAt: Date): Promise<StartableEvent> {
    return storeEvent(hookflow, { source: 'demo', eventType: 'starter.test', receivedAt, leaseMs: 30_000, pendingStart: false });
  }

  it('starts submitted events in arrival order, at most `concurrency` at a time, once each, and empties pending_starts', async function () {
    const watch = new StartWatch();
    const starter = newStarter(watch);
    const base = Date.now() - 60_000;
    const events: StartableEvent[] = [];
    for (let n = 0; n < 12; n++) events.push(await store(new Date(base + n)));
    try {
      // Submitted as the receiver does after each insert, in arrival order.
      for (const event of events) await starter.submit(event, new Date());
      await eventually(async () => assert.equal(await hookflow.pendingStarts.collection.countDocuments({}), 0, 'pending starts left'));
    } finally {
      await starter.stop();
    }
    assert.deepEqual(watch.order, events.map((e) => e._id), 'one start call per event, in arrival order');
    assert.ok(watch.maxInFlight <= 3, `${watch.maxInFlight} starts in flight at once`);
    assert.equal(starter.backlog(), 0);
    for (const event of events) {
      await eventually(async () => assert.equal(await countRuns(hookflow.temporal, event._id), 1, `runs of ${event._id}`));
    }
  });

  it('lets a burst of answers go first: while the receiver is busy, starts wait; then they go', async function () {
    const watch = new StartWatch();
    let busy = true;
    const starter = newStarter(watch, { busy: () => busy, yieldMaxMs: 60_000 });
    const events = [await store(new Date()), await store(new Date())];
    try {
      for (const event of events) await starter.submit(event, new Date());
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(watch.order, [], 'no start while the receiver is busy');
      assert.equal(starter.backlog(), 2);
      busy = false;
      await eventually(async () => assert.equal(await hookflow.pendingStarts.collection.countDocuments({ _id: { $in: events.map((e) => e._id) } }), 0, 'pending starts left'));
    } finally {
      await starter.stop();
    }
    assert.deepEqual(watch.order, events.map((e) => e._id), 'each started once, in arrival order, once the receiver was no longer busy');
  });

  it('starts an event after `yieldMaxMs` however long the receiver stays busy', async function () {
    const watch = new StartWatch();
    const starter = newStarter(watch, { busy: () => true, yieldMaxMs: 300 });
    const event = await store(new Date());
    const submittedAt = Date.now();
    try {
      await starter.submit(event, new Date());
      await eventually(async () => assert.equal(await countRuns(hookflow.temporal, event._id), 1, `runs of ${event._id}`));
    } finally {
      await starter.stop();
    }
    assert.deepEqual(watch.order, [event._id]);
    assert.ok(watch.firstAt !== undefined && watch.firstAt - submittedAt >= 300, `started ${String((watch.firstAt ?? 0) - submittedAt)} ms after its submission`);
  });
});

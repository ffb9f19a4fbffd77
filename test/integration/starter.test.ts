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
  maxInFlight = 0;
  private inFlight = 0;

  interceptor(): WorkflowClientInterceptor {
    return {
      startWithDetails: async (input, next) => {
        this.order.push(input.options.workflowId);
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
  let temporal: Client | undefined;

  before(async function () {
    // A worker but no receiver: only the starter made here starts anything. No routes: runs end `ignored`.
    hookflow = await startTestHookflow({ config: { sources: { demo: { provider: 'standard-webhooks', secrets: ['whsec_' + Buffer.alloc(32, 7).toString('base64')] } } }, receiver: false });
  });
  after(async function () {
    await temporal?.connection.close();
    await hookflow?.stop();
  });

  /** Stores an event as the receiver does, received at `receivedAt`; the test submits it to its starter. */
  function store(receivedAt: Date): Promise<StartableEvent> {
    return storeEvent(hookflow, { source: 'demo', eventType: 'starter.test', receivedAt, leaseMs: 30_000, pendingStart: false });
  }

  it('starts submitted events in arrival order, at most `concurrency` at a time, once each, and empties pending_starts', async function () {
    const watch = new StartWatch();
    temporal = createTemporalClient({ address: testServices().temporalAddress }, hookflow.env.TEMPORAL_NAMESPACE, [watch.interceptor()]);
    const starter = new EventStarter({
      pendingStarts: hookflow.pendingStarts,
      temporal,
      taskQueue: hookflow.env.TEMPORAL_TASK_QUEUE,
      startTimeoutMs: 5000,
      concurrency: 3,
      maxQueued: 100,
      leaseMs: 30_000,
      recountMs: 60_000,
      logger: pino({ level: 'silent' }),
    });
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
});

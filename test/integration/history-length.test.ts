import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { answer, useDestinations } from '../helpers/destination';
import { useHookflow } from '../helpers/hookflow';
import { forwardingTo, shopHookflow } from '../helpers/processing';
import { startedRun } from '../helpers/runs';
import { sendEvent } from '../helpers/send-event';
import { standardSecret } from '../helpers/signed-event';

const SOURCE_SECRET = standardSecret('history-length-source');
const FORWARD_SECRET = standardSecret('history-length-forward');

const { EventType } = temporal.api.enums.v1;

/** Events that a workflow task's own commands write; anything else (an activity's end, a signal, a timer firing) can call for a new task. */
const COMMANDS = new Set(['MARKER_RECORDED', 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', 'ACTIVITY_TASK_SCHEDULED', 'TIMER_STARTED']);

/**
 * The event types of the run's history, short names. A workflow task scheduled with nothing new
 * since the last one completed only keeps a local activity alive that outlived 80 % of its task's
 * timeout (MongoDB very slow on a loaded machine): it is left out, as it says how slow the store
 * was, not what the workflow asks of the server.
 */
async function historyShape(handle: WorkflowHandle): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  const types = (events ?? []).map((event) => (EventType[event.eventType ?? 0] ?? 'unknown').replace('EVENT_TYPE_', ''));
  const shape: string[] = [];
  for (let i = 0; i < types.length; i++) {
    const type = types[i] ?? 'unknown';
    if (type === 'WORKFLOW_TASK_SCHEDULED' && onlyCommandsSinceLastTask(shape)) {
      i += 2; // its STARTED and COMPLETED
      continue;
    }
    shape.push(type);
  }
  return shape;
}

function onlyCommandsSinceLastTask(shape: readonly string[]): boolean {
  const last = shape.lastIndexOf('WORKFLOW_TASK_COMPLETED');
  return last !== -1 && shape.slice(last + 1).every((type) => COMMANDS.has(type));
}

/**
 * Each history event is work for the Temporal server, the limit of hookflow's throughput
 * (bench/README.md): these pin what a plain event costs, so that an added local activity, upsert
 * or workflow task shows here as a failing count rather than as a slower benchmark.
 */
describe('history length of an event run', function () {
  this.timeout(60_000);
  const d = useDestinations(FORWARD_SECRET, { shipping: answer(200) });
  const hookflow = useHookflow(() =>
    shopHookflow(SOURCE_SECRET, [{ match: { type: 'order.created' }, handlers: ['shipping'] }], {
      shipping: forwardingTo(d().shipping, FORWARD_SECRET),
    }),
  );

  it('processes an event with one handler in 14 history events and two workflow tasks', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.created', data: { id: 1 } });
    const handle = await startedRun(hookflow().temporal, sent.workflowId);
    assert.deepEqual(await handle.result(), { status: 'processed' });

    assert.deepEqual(await historyShape(handle), [
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      // routeEvent: the plan, and the event recorded as processing
      'MARKER_RECORDED',
      'ACTIVITY_TASK_SCHEDULED',
      'ACTIVITY_TASK_STARTED',
      'ACTIVITY_TASK_COMPLETED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      // WebhookStatus = processed, then the same in MongoDB, in the task that completes the run
      'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
      'MARKER_RECORDED',
      'WORKFLOW_EXECUTION_COMPLETED',
    ]);
  });

  it('ends an event no route matches in 7 history events and one workflow task', async function () {
    const sent = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'customer.created', data: { id: 2 } });
    const handle = await startedRun(hookflow().temporal, sent.workflowId);
    assert.deepEqual(await handle.result(), { status: 'ignored' });

    assert.deepEqual(await historyShape(handle), [
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      // routeEvent, which records the event as ignored
      'MARKER_RECORDED',
      'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
      'WORKFLOW_EXECUTION_COMPLETED',
    ]);
  });
});

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { defaultPayloadConverter, type Client } from '@temporalio/client';
import { Binary } from 'mongodb';
import type { EventDocument } from '../../src/store/events';
import { eventually } from './eventually';
import { type TestHookflow, useHookflow } from './hookflow';
import { post } from './http';
import { startedRun } from './runs';
import { signStandard } from './signed-event';

/** temporal.api.enums.v1.EventType */
export const WORKFLOW_EXECUTION_STARTED = 1;
export const WORKFLOW_TASK_COMPLETED = 7;
export const WORKFLOW_EXECUTION_SIGNALED = 26;

/** Waits until the workflow's current run has closed with `status` (COMPLETED by default); returns its run ID. */
export async function closedRun(temporal: Client, workflowId: string, status = 'COMPLETED'): Promise<string> {
  return eventually(async () => {
    const described = await temporal.workflow.getHandle(workflowId).describe();
    assert.equal(described.status.name, status);
    return described.runId;
  }, 60_000);
}

/** The signals a run received, by name, with their decoded first argument. */
export async function signalsOf(temporal: Client, workflowId: string, runId?: string): Promise<{ name: string; arg: unknown }[]> {
  const history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.eventType === WORKFLOW_EXECUTION_SIGNALED)
    .map((e) => {
      const attrs = e.workflowExecutionSignaledEventAttributes;
      const payload = attrs?.input?.payloads?.[0];
      return { name: attrs?.signalName ?? '', arg: payload ? defaultPayloadConverter.fromPayload(payload) : undefined };
    });
}

/**
 * Stores an event and its pending start as a receiver that died before starting its workflow would
 * leave them, leased for `leaseMs` so the relay leaves it alone meanwhile.
 */
export async function storeUnstartedEvent(hookflow: TestHookflow, source: string, leaseMs: number): Promise<EventDocument> {
  const eventId = `evt_${randomUUID()}`;
  const body = Buffer.from(JSON.stringify({ type: 'stored.only' }));
  const now = new Date();
  const outcome = await hookflow.store.insert(
    {
      source,
      provider: 'standard-webhooks',
      eventId,
      eventType: 'stored.only',
      body: new Binary(body),
      bodySha256: createHash('sha256').update(body).digest('hex'),
      contentType: 'application/json',
      headers: [],
      receivedAt: now,
    },
    now,
    leaseMs,
  );
  assert.equal(outcome.kind, 'inserted', 'a fresh event ID');
  await hookflow.pendingStarts.ensure(outcome.event, new Date(now.getTime() + leaseMs));
  return outcome.event;
}

export interface AcceptedEvent {
  readonly eventId: string;
  /** Also the stored event's `_id`. */
  readonly workflowId: string;
  readonly body: string;
}

/**
 * Sends `payload` signed to a standard-webhooks source, checks the receiver answered 202, and waits
 * until the receiver's starter has started its run (which it does after the answer).
 */
export async function sendAccepted(hookflow: TestHookflow, source: string, secret: string, payload: unknown): Promise<AcceptedEvent> {
  const delivery = signStandard(secret, JSON.stringify(payload));
  const answer = await post(`${hookflow.url}/webhooks/${source}`, delivery.body, delivery.headers);
  assert.equal(answer.status, 202, `receiver answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  await startedRun(hookflow.temporal, `${source}:${delivery.id}`);
  return { eventId: delivery.id, workflowId: `${source}:${delivery.id}`, body: delivery.body };
}

/** Two hookflows on one config: `processing` has a worker (runs close), `stalled` none (runs stay open, no task completes). */
export interface ProcessingAndStalled {
  readonly processing: TestHookflow;
  readonly stalled: TestHookflow;
}

/** Starts both before the enclosing suite and stops them after it; read them inside its tests. */
export function useProcessingAndStalled(config: unknown): ProcessingAndStalled {
  const processing = useHookflow({ config });
  const stalled = useHookflow({ config, worker: false });
  return {
    get processing() {
      return processing();
    },
    get stalled() {
      return stalled();
    },
  };
}

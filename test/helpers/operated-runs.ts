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

export interface StoreEventOptions {
  readonly source: string;
  /** The receiver's lease: how long a relay leaves the event to its receiver's starter. */
  readonly leaseMs: number;
  readonly receivedAt?: Date;
  readonly eventType?: string;
  /** The body, as JSON (default `{ type, eventId }`). */
  readonly payload?: object;
  /** Also record its pending start, as a receiver does before it answers (default true). */
  readonly pendingStart?: boolean;
}

/**
 * Stores an event as a receiver does (and by default its pending start), without starting its
 * workflow: what a receiver that died after answering leaves behind.
 */
export async function storeEvent(hookflow: TestHookflow, opts: StoreEventOptions): Promise<EventDocument> {
  const eventType = opts.eventType ?? 'stored.only';
  const eventId = `evt_${randomUUID()}`;
  const body = Buffer.from(JSON.stringify(opts.payload ?? { type: eventType, eventId }));
  const receivedAt = opts.receivedAt ?? new Date();
  const outcome = await hookflow.store.insert(
    {
      source: opts.source,
      provider: 'standard-webhooks',
      eventId,
      eventType,
      body: new Binary(body),
      bodySha256: createHash('sha256').update(body).digest('hex'),
      contentType: 'application/json',
      headers: [],
      receivedAt,
    },
    receivedAt,
  );
  assert.equal(outcome.kind, 'inserted', 'a fresh event ID');
  if (opts.pendingStart ?? true) await hookflow.pendingStarts.ensure(outcome.event, new Date(receivedAt.getTime() + opts.leaseMs));
  return outcome.event;
}

/** An event stored with its pending start, received now, leased for `leaseMs`. */
export function storeUnstartedEvent(hookflow: TestHookflow, source: string, leaseMs: number): Promise<EventDocument> {
  return storeEvent(hookflow, { source, leaseMs });
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

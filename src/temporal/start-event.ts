import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { StartableEvent } from '../store/events';
import { processWebhookEvent } from '../../workflows';
import type { WebhookEventInput } from '../../workflows/types';
import { WebhookEventType, WebhookProvider, WebhookSource, WebhookStatus } from './search-attributes';

export interface StartResult {
  /** Null when the run already existed (a redelivery, or a second relay). */
  readonly runId: string | null;
  readonly alreadyStarted: boolean;
}

export function workflowInput(event: StartableEvent): WebhookEventInput {
  return {
    ref: event._id,
    source: event.source,
    provider: event.provider,
    eventId: event.eventId,
    eventType: event.eventType,
    receivedAt: event.receivedAt.toISOString(),
  };
}

/**
 * Starts the event's workflow under the ID `<source>:<eventId>`. REJECT_DUPLICATE + FAIL make the
 * start idempotent whether an earlier run is still open or already closed, so the receiver and any
 * number of relays may race to start the same event and only one run ever exists.
 */
export async function startEventWorkflow(
  client: Client,
  taskQueue: string,
  event: StartableEvent,
  timeoutMs: number,
  /** An operator's replay may start a new run after a closed one; an open one still refuses. */
  opts: { readonly allowClosedRun?: boolean } = {},
): Promise<StartResult> {
  try {
    const handle = await client.withDeadline(Date.now() + timeoutMs, () =>
      client.workflow.start(processWebhookEvent, {
        workflowId: event._id,
        taskQueue,
        args: [workflowInput(event)],
        workflowIdReusePolicy: opts.allowClosedRun ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        // Filterable in the Temporal UI: WebhookStatus = "failed" AND WebhookSource = "stripe".
        typedSearchAttributes: [
          { key: WebhookSource, value: event.source },
          { key: WebhookProvider, value: event.provider },
          { key: WebhookEventType, value: event.eventType ?? '' },
          { key: WebhookStatus, value: 'processing' },
        ],
        staticSummary: [event.source, event.eventType ?? '(no type)', event.eventId].join(' ').slice(0, 200),
        // Fairness between sources: a server with task queue fairness on (docs/operations.md) hands
        // out the tasks of each source in turn, so a burst on one never queues the others behind it.
        // The run's activities inherit the key.
        priority: { fairnessKey: event.source },
      }),
    );
    return { runId: handle.firstExecutionRunId, alreadyStarted: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { runId: null, alreadyStarted: true };
    throw err;
  }
}

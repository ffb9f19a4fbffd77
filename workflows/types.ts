import type { RunEndStatus } from '../src/event/status';

/**
 * What a workflow is started with: a reference to the stored event and small metadata, never the
 * body, so that large or personal payloads stay out of Temporal's history.
 */
export interface WebhookEventInput {
  /** The stored event's `_id`, also the workflow ID: `<source>:<eventId>`. */
  readonly ref: string;
  readonly source: string;
  readonly provider: string;
  readonly eventId: string;
  readonly eventType: string | null;
  /** ISO 8601. */
  readonly receivedAt: string;
}

export interface WebhookEventResult {
  readonly status: RunEndStatus;
}

/** One handler to run for an event: its name (never its secrets) and its route's delivery settings. */
export interface PlannedHandler {
  readonly name: string;
  readonly kind: 'http' | 'module';
  readonly timeoutMs: number;
  readonly heartbeatMs?: number;
  /** The handler's attempts in flight at once, all workers together; absent: no limit. */
  readonly concurrency?: number;
  readonly retry: {
    readonly initialIntervalMs: number;
    readonly backoffCoefficient: number;
    readonly maximumIntervalMs: number;
    /** 0: no limit; `expiryMs` bounds the retries. */
    readonly maximumAttempts: number;
    readonly expiryMs?: number;
  };
}

/** An event run's request for one of a handler's permits (handler-permits.ts). */
export interface PermitRequest {
  /** The event run's workflow ID. */
  readonly ref: string;
  readonly handler: string;
  /** The handler's concurrency. */
  readonly limit: number;
}

/** How an event with an ordering key waits its turn. */
export interface OrderingPlan {
  readonly key: string;
  /** The workflow ID of the key's sequencer. */
  readonly sequencerId: string;
  /** `block`: the key's turn is released when the run ends; `skip`: also when the event fails. */
  readonly onFailure: 'block' | 'skip';
  readonly reorderWindowMs: number;
}

/** What the routes made of one event; an empty `handlers` means no route matched. */
export interface RoutePlan {
  readonly handlers: readonly PlannedHandler[];
  /** How long a failed event waits for `redeliver` or `discard`. */
  readonly waitForOperatorMs: number;
  /** Set when a matching route orders its events and the event has the route's key. */
  readonly ordering?: OrderingPlan;
}

export type HandlerState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface HandlerStatus {
  readonly name: string;
  readonly kind: 'http' | 'module';
  readonly state: HandlerState;
  /** How many times the workflow has started this handler (1 + redeliveries); attempts within a run are in MongoDB. */
  readonly runs: number;
  readonly lastError?: string;
  /** Set while the handler waits for one of its concurrency permits before its attempt can be scheduled. */
  readonly waitingFor?: 'permit';
}

/** The answer of the `status` query. */
export interface EventProcessingStatus {
  /** `queued`: waiting for its ordering key's turn. */
  readonly status: 'routing' | 'queued' | 'processing' | 'failed' | 'processed' | 'ignored' | 'discarded';
  readonly handlers: readonly HandlerStatus[];
  /** ISO 8601; set while a failed event waits for an operator. */
  readonly waitingUntil?: string;
  readonly discardReason?: string;
  /** For an event with an ordering key. */
  readonly ordering?: {
    readonly key: string;
    /** While queued: the event it waits behind (null: none, only events received just before it may still join). */
    readonly waitingBehind?: string | null;
  };
}

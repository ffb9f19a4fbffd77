/*
 * The contract of a TypeScript handler module. A module exports a WebhookHandler (by default as
 * `default`); hookflow runs it as a Temporal activity, retried by its route's policy.
 */

/** What a handler receives: the stored event, with its body parsed. */
export interface HandlerEvent {
  /** The configured source name. */
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string | null;
  /** The parsed body: JSON, or the fields of a form post. */
  readonly body: unknown;
  /** As received, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: Date;
}

export interface HandlerContext {
  /** The handler's name in the config. */
  readonly handler: string;
  /** 1 for the first try; the same event may arrive again after a failure, so make effects idempotent. */
  readonly attempt: number;
  /** Aborted when the attempt times out or the event is discarded: pass it to fetch and the like. */
  readonly signal: AbortSignal;
  /** Tells Temporal the handler is alive; a route with `heartbeat` retries an attempt that stays silent longer. */
  heartbeat(details?: unknown): void;
}

export type WebhookHandler = (event: HandlerEvent, ctx: HandlerContext) => Promise<void> | void;

/**
 * Throw this when trying again cannot help (the event is malformed, the account is gone): the event
 * fails at once, without the remaining retries, and waits for an operator.
 */
export class NonRetryableHandlerError extends Error {
  override name = 'NonRetryableHandlerError';
}

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
  readonly status: 'processed' | 'ignored' | 'failed' | 'discarded';
}

/**
 * Why an untrusted delivery was refused. Each reason maps to exactly one HTTP status in
 * src/receiver/answers.ts; the reason string itself is returned to the sender.
 */
export type RejectReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'invalid_signature'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'missing_header'
  | 'unknown_source'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'invalid_body'
  | 'event_id_conflict'
  | 'receiver_busy'
  // Load shedding (src/receiver/load-shedding.ts) and a sender gone before its event was stored.
  | 'backlog_full'
  | 'store_slow'
  | 'sender_gone';

/** Thrown for bad input from a sender. Its message is short and safe to show: never a secret or a body. */
export class WebhookRejection extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookRejection';
  }
}

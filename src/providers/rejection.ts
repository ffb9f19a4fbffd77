import { HttpRefusal } from '../http-refusal';

/** Why a provider refused a delivery's signature; the reason string itself is returned to the sender. */
export type RejectReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'invalid_signature'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'missing_header';

/** A delivery whose signature does not hold: 401. */
export class WebhookRejection extends HttpRefusal<RejectReason> {
  constructor(reason: RejectReason, message: string) {
    super(401, reason, message);
  }
}

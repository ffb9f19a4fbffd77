import { HttpRefusal, RETRY_AFTER } from '../http-refusal';

/** The receiver's own refusals of a request, apart from its signature (src/providers/rejection.ts). */
const ANSWERS = {
  unknown_source: { status: 404 },
  method_not_allowed: { status: 405, headers: { Allow: 'POST' } },
  unsupported_media_type: { status: 415 },
  payload_too_large: { status: 413 },
  invalid_body: { status: 400 },
  event_id_conflict: { status: 409 },
  receiver_busy: { status: 503, headers: RETRY_AFTER },
  // Load shedding (load-shedding.ts): not now, try again later.
  backlog_full: { status: 503, headers: RETRY_AFTER },
  store_slow: { status: 503, headers: RETRY_AFTER },
  // Nobody reads it: the sender hung up before its event was stored (nothing was).
  sender_gone: { status: 400 },
} as const satisfies Record<string, { status: number; headers?: Readonly<Record<string, string>> }>;

export type ReceiverReason = keyof typeof ANSWERS;

export class ReceiverRefusal extends HttpRefusal<ReceiverReason> {
  constructor(reason: ReceiverReason, message: string) {
    const answer: { status: number; headers?: Readonly<Record<string, string>> } = ANSWERS[reason];
    super(answer.status, reason, message, answer.headers);
  }
}

/** What one load run against one HTTP endpoint measured. */
export interface LoadResult {
  /** Requests sent (answered or not). */
  readonly sent: number;
  /** From the first request sent to the last answer (or the time limit). */
  readonly durationMs: number;
  /** Time to the full answer of each answered request, in ms. */
  readonly latencies: number[];
  /** Answers by HTTP status. */
  readonly statuses: Record<string, number>;
  /** Socket errors and timeouts (requests without an answer). */
  readonly transportErrors: number;
  /** Open loop only: requests not sent because too many were already waiting. */
  readonly skipped: number;
  /** Every 202 answer: which run it promised, and when the sender had it. */
  readonly accepted: Accepted[];
  /** Every `200 duplicate` answer: the event was stored before (by a delivery whose answer the sender may never have had). */
  readonly duplicates: Accepted[];
}

export interface Accepted {
  readonly workflowId: string;
  /** Wall clock (ms since the epoch) when the answer arrived: comparable with Temporal's close times. */
  readonly at: number;
}

export function countStatus(result: LoadResult, predicate: (status: number) => boolean): number {
  return Object.entries(result.statuses).reduce((acc, [status, n]) => acc + (predicate(Number(status)) ? n : 0), 0);
}

/** What an answer acknowledged: a new event (202) or one stored before (`200 duplicate`). */
export interface Acknowledgement extends Accepted {
  readonly kind: 'accepted' | 'duplicate';
}

/**
 * The receiver's 202 body, `{"status":"accepted","eventId":…,"workflowId":…}`, or its 200
 * `{"status":"duplicate",…}`; undefined for anything else.
 */
export function acknowledgementFrom(status: number, body: string, at: number): Acknowledgement | undefined {
  const kind = status === 202 ? 'accepted' : status === 200 ? 'duplicate' : undefined;
  if (kind === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value !== 'object' || value === null || !('workflowId' in value) || typeof value.workflowId !== 'string') return undefined;
    if (!('status' in value) || value.status !== kind) return undefined;
    return { kind, workflowId: value.workflowId, at };
  } catch {
    return undefined;
  }
}

/** Files an answer's acknowledgement under `accepted` or `duplicates`. */
export function recordAcknowledgement(result: Pick<LoadResult, 'accepted' | 'duplicates'>, status: number, body: string, at: number): void {
  const ack = acknowledgementFrom(status, body, at);
  if (ack) (ack.kind === 'accepted' ? result.accepted : result.duplicates).push({ workflowId: ack.workflowId, at: ack.at });
}

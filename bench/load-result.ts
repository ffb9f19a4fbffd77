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
}

export interface Accepted {
  readonly workflowId: string;
  /** Wall clock (ms since the epoch) when the answer arrived: comparable with Temporal's close times. */
  readonly at: number;
}

export function countStatus(result: LoadResult, predicate: (status: number) => boolean): number {
  return Object.entries(result.statuses).reduce((acc, [status, n]) => acc + (predicate(Number(status)) ? n : 0), 0);
}

/** The receiver's 202 body, `{"status":"accepted","eventId":…,"workflowId":…}`; undefined for anything else. */
export function acceptedFrom(status: number, body: string, at: number): Accepted | undefined {
  if (status !== 202) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value !== 'object' || value === null || !('workflowId' in value) || typeof value.workflowId !== 'string') return undefined;
    return { workflowId: value.workflowId, at };
  } catch {
    return undefined;
  }
}

/*
 * What hookflow tells operators about. Plain data, safe in workflow code: names, IDs, counts and
 * times, never an event's payload or headers, never a secret.
 */

/** What a backlog threshold measures; `scope` says whose backlog (`service`, or a handler's name). */
export type BacklogMeasure =
  | 'pending_starts'
  | 'oldest_pending_age_seconds'
  | 'open_runs'
  /** A handler's attempts waiting in its task queue (paused, held by its breaker, or over its limits). */
  | 'handler_waiting_attempts'
  /** How long the oldest of them has waited. */
  | 'handler_oldest_wait_seconds';

export type Alert =
  /** An event failed for good and waits for an operator (`redeliver` or `discard`). */
  | { readonly kind: 'event_parked'; readonly ref: string; readonly source: string; readonly handlers: readonly string[] }
  /** A handler's circuit breaker opened (its attempts are paused) or closed again. */
  | { readonly kind: 'breaker_opened' | 'breaker_closed'; readonly handler: string; readonly reason?: string }
  /** A backlog measure passed its threshold, or went back under it. */
  | {
      readonly kind: 'backlog_exceeded' | 'backlog_recovered';
      readonly scope: string;
      readonly measure: BacklogMeasure;
      readonly value: number;
      readonly threshold: number;
    };

export type AlertKind = Alert['kind'];

/** An alert as a notifier's workflow receives it: with the time it was raised. */
export type RaisedAlert = Alert & { readonly at: string };

import type { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { formatDuration } from '../src/config/duration';
import type { AttemptRecord } from '../src/store/events';
import { NonRetryableHandlerError, type HandlerContext } from './handler-api';

/**
 * A failed attempt with what the handler knows about it: whether a retry can help, the HTTP status,
 * and how long the destination asked us to wait.
 */
export class AttemptError extends Error {
  override name = 'AttemptError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly details: { readonly httpStatus?: number; readonly retryAfterMs?: number } = {},
  ) {
    super(message);
  }
}

export interface AttemptSuccess {
  readonly httpStatus?: number;
}

/** Long enough for a stack-less reason, short enough to keep MongoDB documents and histories small. */
const MAX_ERROR_LENGTH = 500;

/**
 * Runs one attempt of one handler inside an activity: aborts it at the attempt's timeout (so a slow
 * handler is recorded as timed out, not left running unrecorded), heartbeats while it runs when the
 * route asks for heartbeats, records the attempt, and turns its failure into the ApplicationFailure
 * that tells Temporal whether and when to retry.
 */
export async function runAttempt(
  activity: Context,
  handler: string,
  record: (attempt: AttemptRecord) => Promise<void>,
  work: (ctx: HandlerContext) => Promise<AttemptSuccess>,
): Promise<void> {
  const { info } = activity;
  const startedAt = new Date();
  const deadline = AbortSignal.timeout(info.startToCloseTimeoutMs);
  const signal = AbortSignal.any([activity.cancellationSignal, deadline]);
  const heartbeat = (details?: unknown): void => {
    if (info.heartbeatTimeoutMs) activity.heartbeat(details);
  };
  // Temporal asks activities without a heartbeat timeout not to heartbeat.
  const beat = info.heartbeatTimeoutMs ? setInterval(() => activity.heartbeat(), Math.max(info.heartbeatTimeoutMs / 3, 50)) : undefined;
  const base = { handler, attempt: info.attempt, startedAt };
  try {
    const ok = await untilAborted(work({ handler, attempt: info.attempt, signal, heartbeat }), signal);
    await record({ ...base, durationMs: Date.now() - startedAt.getTime(), outcome: 'succeeded', ...ok });
  } catch (err) {
    const failure = activity.cancellationSignal.aborted
      ? new CancelledFailure('cancelled (the event was discarded or the heartbeat timed out)')
      : deadline.aborted
        ? new AttemptError(`timed out after ${formatDuration(info.startToCloseTimeoutMs)}`, true)
        : err;
    const { retryable, message, httpStatus } = describe(failure);
    await record({
      ...base,
      durationMs: Date.now() - startedAt.getTime(),
      outcome: 'failed',
      retryable,
      error: message,
      ...(httpStatus === undefined ? {} : { httpStatus }),
    });
    throw toTemporalFailure(failure);
  } finally {
    clearInterval(beat);
  }
}

/** Stops waiting for `work` when `signal` aborts, whether or not `work` listens to the signal. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface FailureSummary {
  readonly retryable: boolean;
  readonly message: string;
  readonly httpStatus?: number;
}

function describe(err: unknown): FailureSummary {
  const message = (err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR_LENGTH);
  if (err instanceof AttemptError) return { retryable: err.retryable, message, ...err.details };
  if (err instanceof ApplicationFailure) return { retryable: !err.nonRetryable, message };
  return { retryable: !isNonRetryableHandlerError(err), message };
}

function toTemporalFailure(err: unknown): Error {
  if (err instanceof CancelledFailure || err instanceof ApplicationFailure) return err;
  const { retryable, message } = describe(err);
  const delay = err instanceof AttemptError ? err.details.retryAfterMs : undefined;
  return ApplicationFailure.create({
    message,
    type: err instanceof Error ? err.name : 'Error',
    nonRetryable: !retryable,
    // A destination's Retry-After replaces the policy's backoff for the next attempt.
    ...(delay ? { nextRetryDelay: delay } : {}),
  });
}

/** By name too: a handler module may have been compiled against its own copy of hookflow's api. */
function isNonRetryableHandlerError(err: unknown): boolean {
  return err instanceof NonRetryableHandlerError || (err instanceof Error && err.name === 'NonRetryableHandlerError');
}

import assert from 'node:assert/strict';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { NonRetryableHandlerError, type HandlerContext } from '../../../activities/handler-api';
import { AttemptError, runAttempt, type AttemptSuccess } from '../../../activities/handler-attempt';
import type { AttemptRecord } from '../../../src/store/events';

/** Runs one attempt in a mock activity context; returns what was recorded and what was thrown. */
async function attempt(
  work: (ctx: HandlerContext) => Promise<AttemptSuccess>,
  info: { startToCloseTimeoutMs?: number; attempt?: number } = {},
): Promise<{ records: AttemptRecord[]; thrown: unknown }> {
  const records: AttemptRecord[] = [];
  // Failing is what most of these attempts are for: keep the SDK's "Activity failed" warnings quiet.
  const env = new MockActivityEnvironment({ startToCloseTimeoutMs: 10_000, attempt: 1, ...info }, { logger: new DefaultLogger('ERROR') });
  let thrown: unknown;
  try {
    await env.run(() => runAttempt(Context.current(), 'billing', async (r) => void records.push(r), work));
  } catch (err) {
    thrown = err;
  }
  return { records, thrown };
}

describe('runAttempt(activity, handler, record, work)', function () {
  it('records a success with its HTTP status and attempt number', async function () {
    const { records, thrown } = await attempt(async () => ({ httpStatus: 204 }), { attempt: 3 });
    assert.equal(thrown, undefined);
    assert.equal(records.length, 1);
    assert.deepEqual({ ...records[0], startedAt: undefined, durationMs: undefined }, {
      handler: 'billing',
      attempt: 3,
      outcome: 'succeeded',
      httpStatus: 204,
      startedAt: undefined,
      durationMs: undefined,
    });
  });

  it('turns a retryable AttemptError into a retryable ApplicationFailure with Retry-After as next delay', async function () {
    const { records, thrown } = await attempt(async () => {
      throw new AttemptError('destination answered HTTP 429', true, { httpStatus: 429, retryAfterMs: 5000 });
    });
    assert.ok(thrown instanceof ApplicationFailure);
    assert.equal(thrown.nonRetryable, false);
    assert.equal(thrown.nextRetryDelay, 5000);
    assert.deepEqual(
      records.map(({ outcome, retryable, httpStatus, error }) => ({ outcome, retryable, httpStatus, error })),
      [{ outcome: 'failed', retryable: true, httpStatus: 429, error: 'destination answered HTTP 429' }],
    );
  });

  it('makes a non-retryable AttemptError and a NonRetryableHandlerError non-retryable failures', async function () {
    for (const error of [new AttemptError('destination answered HTTP 400', false), new NonRetryableHandlerError('no such customer')]) {
      const { records, thrown } = await attempt(async () => {
        throw error;
      });
      assert.ok(thrown instanceof ApplicationFailure);
      assert.equal(thrown.nonRetryable, true, error.message);
      assert.equal(thrown.message, error.message);
      assert.equal(records[0]?.retryable, false);
    }
  });

  it('keeps an ApplicationFailure a handler throws as it is', async function () {
    const failure = ApplicationFailure.nonRetryable('account closed', 'AccountClosed');
    const { thrown, records } = await attempt(async () => {
      throw failure;
    });
    assert.equal(thrown, failure);
    assert.equal(records[0]?.retryable, false);
  });

  it('retries any other error', async function () {
    const { thrown, records } = await attempt(async () => {
      throw new TypeError('boom');
    });
    assert.ok(thrown instanceof ApplicationFailure);
    assert.equal(thrown.nonRetryable, false);
    assert.equal(thrown.type, 'TypeError');
    assert.equal(records[0]?.error, 'boom');
  });

  it('records an attempt that outlives its timeout as timed out, even if the work ignores the signal', async function () {
    const { thrown, records } = await attempt(() => new Promise<AttemptSuccess>(() => {}), { startToCloseTimeoutMs: 50 });
    assert.ok(thrown instanceof ApplicationFailure);
    assert.equal(thrown.nonRetryable, false);
    assert.deepEqual(
      records.map(({ outcome, retryable, error }) => ({ outcome, retryable, error })),
      [{ outcome: 'failed', retryable: true, error: 'timed out after 50ms' }],
    );
  });

  it('aborts the signal it gives the work at the timeout', async function () {
    let aborted = false;
    await attempt(
      (ctx) =>
        new Promise<AttemptSuccess>((_, reject) =>
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          }),
        ),
      { startToCloseTimeoutMs: 50 },
    );
    assert.equal(aborted, true);
  });
});

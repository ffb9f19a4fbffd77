import assert from 'node:assert/strict';
import { standardSecret } from '../../helpers/signed-event';
import { parse, problems } from './parse-config';

const SW = standardSecret('handler-limits-unit-test');
const FORWARD = standardSecret('handler-limits-unit-forward');

/** A config whose one handler has these `limits` (omitted when undefined). */
function withLimits(limits: unknown): object {
  return {
    sources: { shop: { provider: 'standard-webhooks', secrets: [SW], routes: [{ handlers: ['billing'] }] } },
    handlers: { billing: { kind: 'http', url: 'http://billing.internal/hooks', secret: FORWARD, ...(limits === undefined ? {} : { limits }) } },
  };
}

describe("parseConfig(json): a handler's limits", function () {
  it('has no limit when limits is absent', function () {
    assert.deepEqual(parse(withLimits(undefined)).handlers.get('billing')?.limits, {});
  });

  it('takes a rate (fractions too) and a concurrency', function () {
    assert.deepEqual(parse(withLimits({ rate: 0.5, concurrency: 3 })).handlers.get('billing')?.limits, { ratePerSecond: 0.5, concurrency: 3 });
  });

  it('refuses a rate of 0, pointing at pause instead', function () {
    assert.match(problems(withLimits({ rate: 0 })), /handlers\.billing\.limits\.rate: must be more than 0; to stop a handler, pause it/);
  });

  it('refuses a concurrency that is not a whole number of at least 1', function () {
    assert.match(problems(withLimits({ concurrency: 1.5 })), /handlers\.billing\.limits\.concurrency: /);
    assert.match(problems(withLimits({ concurrency: 0 })), /handlers\.billing\.limits\.concurrency: must be at least 1/);
  });

  it('refuses an unknown limit, naming it', function () {
    assert.match(problems(withLimits({ burst: 5 })), /handlers\.billing\.limits: .*burst/);
  });
});

describe("parseConfig(json): a handler's circuit breaker", function () {
  const withBreaker = (breaker: unknown): object => ({
    sources: { shop: { provider: 'standard-webhooks', secrets: [SW], routes: [{ handlers: ['billing'] }] } },
    handlers: { billing: { kind: 'http', url: 'http://billing.internal/hooks', secret: FORWARD, ...(breaker === undefined ? {} : { breaker }) } },
  });

  it('is on with the documented defaults when absent', function () {
    assert.deepEqual(parse(withBreaker(undefined)).handlers.get('billing')?.breaker, {
      consecutiveFailures: 10,
      failureRatio: 0.5,
      minimumAttempts: 20,
      windowMs: 300_000,
      probeIntervalMs: 30_000,
      maximumProbeIntervalMs: 600_000,
    });
  });

  it('is off with false', function () {
    assert.equal(parse(withBreaker(false)).handlers.get('billing')?.breaker, null);
  });

  it('takes settings field by field', function () {
    const breaker = parse(withBreaker({ consecutiveFailures: 3, window: '1m', probeInterval: '5s' })).handlers.get('billing')?.breaker;
    assert.equal(breaker?.consecutiveFailures, 3);
    assert.equal(breaker?.windowMs, 60_000);
    assert.equal(breaker?.probeIntervalMs, 5000);
    assert.equal(breaker?.failureRatio, 0.5);
  });

  it('refuses true, a ratio above 1 and a bad duration, naming each', function () {
    assert.match(problems(withBreaker(true)), /handlers\.billing\.breaker: false, or an object/);
    assert.match(problems(withBreaker({ failureRatio: 1.5 })), /handlers\.billing\.breaker\.failureRatio: at most 1/);
    assert.match(problems(withBreaker({ probeInterval: 'soon' })), /handlers\.billing\.breaker\.probeInterval: a duration/);
  });

  it('refuses a maximum probe interval shorter than the probe interval', function () {
    assert.match(problems(withBreaker({ probeInterval: '1m', maximumProbeInterval: '30s' })), /handlers\.billing\.breaker: maximumProbeInterval must not be shorter than probeInterval/);
  });
});

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

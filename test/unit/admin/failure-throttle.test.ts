import assert from 'node:assert/strict';
import { FailureThrottle } from '../../../src/admin/failure-throttle';

describe('FailureThrottle', function () {
  let now: number;
  const throttle = (maxTracked = 100): FailureThrottle => new FailureThrottle({ maxFailures: 3, windowMs: 60_000, maxTracked, now: () => now });
  beforeEach(function () {
    now = 1_000_000;
  });

  it('lets an address try until its failures reach the limit, then says how many seconds are left in its window', function () {
    const t = throttle();
    assert.deepEqual([t.fail('a'), t.fail('a')], [false, false]);
    assert.equal(t.retryAfterSeconds('a'), 0);
    assert.equal(t.fail('a'), true, 'the failure that blocks');
    now += 15_500;
    assert.equal(t.retryAfterSeconds('a'), 45);
    assert.equal(t.retryAfterSeconds('b'), 0, 'another address is not affected');
  });

  it('lets an address try again once its window is over, with a fresh count', function () {
    const t = throttle();
    for (let i = 0; i < 3; i++) t.fail('a');
    now += 60_000;
    assert.equal(t.retryAfterSeconds('a'), 0);
    assert.equal(t.fail('a'), false);
    assert.equal(t.retryAfterSeconds('a'), 0);
  });

  it('forgets an address\'s failures after a success', function () {
    const t = throttle();
    t.fail('a');
    t.fail('a');
    t.succeed('a');
    assert.equal(t.fail('a'), false);
    assert.equal(t.fail('a'), false);
  });

  it('remembers at most maxTracked addresses, dropping the oldest window first', function () {
    const t = throttle(3);
    for (const address of ['a', 'b', 'c', 'd', 'e']) {
      now += 1000;
      t.fail(address);
    }
    assert.equal(t.tracked, 3);
    for (let i = 0; i < 2; i++) t.fail('e');
    assert.ok(t.retryAfterSeconds('e') > 0, 'the newest address is still counted');
  });

  it('drops expired windows as failures arrive, so memory shrinks back', function () {
    const t = throttle();
    for (let i = 0; i < 50; i++) t.fail(`10.0.0.${i}`);
    now += 60_000;
    t.fail('10.0.1.1');
    assert.equal(t.tracked, 1);
  });
});

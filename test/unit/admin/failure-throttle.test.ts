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
  it('counts every address of one IPv6 /64 as one client', function () {
    const t = throttle();
    t.fail('2001:db8:1:2::1');
    t.fail('2001:db8:1:2::2');
    assert.equal(t.fail('2001:db8:1:2:abcd::3'), true, 'the third failure from the /64 blocks it');
    assert.ok(t.retryAfterSeconds('2001:db8:1:2::ffff') > 0, 'a fresh address in the /64 is refused too');
    assert.equal(t.retryAfterSeconds('2001:db8:1:3::1'), 0, 'the next /64 is another client');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', function () {
    const t = throttle();
    t.fail('192.0.2.1');
    t.fail('::ffff:192.0.2.1');
    t.fail('192.0.2.1');
    assert.ok(t.retryAfterSeconds('::ffff:192.0.2.1') > 0);
  });

  it('never drops a blocked client to make room: churning through addresses does not lift its block', function () {
    const t = throttle(3);
    for (let i = 0; i < 3; i++) t.fail('blocked');
    for (let i = 0; i < 50; i++) {
      now += 100;
      t.fail(`2001:db8:${i.toString(16)}::1`);
    }
    assert.ok(t.tracked <= 3, `${t.tracked} tracked`);
    assert.ok(t.retryAfterSeconds('blocked') > 0, 'still blocked');
  });

  it('when every place holds a blocked client, refuses a client not yet known until the first block ends, within maxTracked', function () {
    const t = throttle(2);
    for (const address of ['a', 'b']) for (let i = 0; i < 3; i++) t.fail(address);
    now += 10_000;
    assert.equal(t.retryAfterSeconds('newcomer'), 50);
    assert.equal(t.fail('newcomer'), false);
    assert.equal(t.tracked, 2);
    now += 50_000;
    assert.equal(t.retryAfterSeconds('newcomer'), 0, 'the blocks have ended');
    assert.equal(t.retryAfterSeconds('a'), 0);
  });
});

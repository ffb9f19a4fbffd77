import assert from 'node:assert/strict';
import { throttleKey } from '../../../src/admin/throttle-key';

describe('throttleKey(address)', function () {
  it('keeps an IPv4 address as it is', function () {
    assert.equal(throttleKey('192.0.2.1'), '192.0.2.1');
  });

  it('gives every address of one IPv6 /64 the same key, however it is written', function () {
    const key = throttleKey('2001:db8:1:2::1');
    assert.equal(key, '2001:db8:1:2::/64');
    assert.equal(throttleKey('2001:0db8:0001:0002:ffff:ffff:ffff:fffe'), key);
    assert.equal(throttleKey('2001:DB8:1:2:0:0:0:9'), key);
    assert.equal(throttleKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  });

  it('gives addresses of different /64s different keys', function () {
    assert.notEqual(throttleKey('2001:db8:1:2::1'), throttleKey('2001:db8:1:3::1'));
  });

  it('keys an IPv4-mapped IPv6 address by its IPv4 address, dotted or in hex', function () {
    assert.equal(throttleKey('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(throttleKey('::FFFF:c000:0201'), '192.0.2.1');
  });

  it('keeps anything that is not an IP address as it is', function () {
    assert.equal(throttleKey(''), '');
    assert.equal(throttleKey('not-an-address'), 'not-an-address');
  });
});

import assert from 'node:assert/strict';
import { MAX_RETRY_AFTER_MS, disposition, retryAfterMs } from '../../../activities/http-outcome';

describe('disposition(status)', function () {
  it('counts every 2xx as delivered', function () {
    assert.deepEqual([200, 201, 202, 204, 299].map(disposition), Array(5).fill('delivered'));
  });
  it('retries 408, 429 and every 5xx', function () {
    assert.deepEqual([408, 429, 500, 502, 503, 504, 599].map(disposition), Array(7).fill('retry'));
  });
  it('gives up on the other 4xx and on redirects', function () {
    assert.deepEqual([400, 401, 403, 404, 409, 410, 422, 301, 302, 307].map(disposition), Array(10).fill('reject'));
  });
});

describe('retryAfterMs(header, now)', function () {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay-seconds', function () {
    assert.equal(retryAfterMs('120', now), 120_000);
    assert.equal(retryAfterMs(' 0 ', now), 0);
  });
  it('reads an HTTP date relative to now', function () {
    assert.equal(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
  });
  it('gives 0 for a date in the past', function () {
    assert.equal(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now), 0);
  });
  it('cuts a very long delay to MAX_RETRY_AFTER_MS', function () {
    assert.equal(retryAfterMs('86400', now), MAX_RETRY_AFTER_MS);
  });
  it('ignores an absent or unreadable header', function () {
    assert.deepEqual([null, undefined, '', 'soon', '-5', '1.5', '2026-01-02'].map((h) => retryAfterMs(h, now)), Array(7).fill(undefined));
  });
});

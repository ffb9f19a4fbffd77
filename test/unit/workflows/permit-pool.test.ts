import assert from 'node:assert/strict';
import { PermitPool } from '../../../workflows/permit-pool';

const empty = (limit: number) => new PermitPool({ limit, holders: [], waiting: [] });

describe("PermitPool: one handler's concurrency permits", function () {
  it('grants at most limit permits, to the oldest requests first', function () {
    const pool = empty(2);
    for (const ref of ['a', 'b', 'c']) pool.request(ref, 2);
    assert.deepEqual(pool.grant(), ['a', 'b']);
    assert.deepEqual(pool.grant(), []);
    pool.release('a');
    assert.deepEqual(pool.grant(), ['c']);
  });

  it('keeps one permit for a run that asks again while holding it, and says so', function () {
    const pool = empty(1);
    assert.equal(pool.request('a', 1), false);
    pool.grant();
    assert.equal(pool.request('a', 1), true);
    pool.request('b', 1);
    assert.deepEqual(pool.grant(), []);
    assert.deepEqual(pool.state(), { limit: 1, holders: ['a'], waiting: ['b'] });
  });

  it('drops a waiting run that gives up, so it is never granted', function () {
    const pool = empty(1);
    pool.request('a', 1);
    pool.request('b', 1);
    pool.grant();
    pool.release('b');
    pool.release('a');
    assert.deepEqual(pool.grant(), []);
    assert.equal(pool.idle(), true);
  });

  it('follows the latest limit a request carries', function () {
    const pool = empty(1);
    for (const ref of ['a', 'b', 'c']) pool.request(ref, 3);
    assert.deepEqual(pool.grant(), ['a', 'b', 'c']);
  });

  it('is congested only when runs wait and every permit is taken', function () {
    const pool = empty(1);
    pool.request('a', 1);
    assert.equal(pool.congested(), false);
    pool.grant();
    pool.request('b', 1);
    assert.equal(pool.congested(), true);
  });

  it('carries its state through continue-as-new as plain JSON', function () {
    const pool = empty(1);
    pool.request('a', 1);
    pool.request('b', 1);
    pool.grant();
    const again = new PermitPool(JSON.parse(JSON.stringify(pool.state())));
    again.release('a');
    assert.deepEqual(again.grant(), ['b']);
  });
});

import assert from 'node:assert/strict';
import { readAtMostEvery } from '../../../src/health/read-at-most-every';

/** A read whose results the test settles by hand, counting the calls. */
function manualRead(): { read: () => Promise<number>; calls: () => number; settle: (value: number | Error) => void } {
  const pending: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  return {
    read: () => new Promise<number>((resolve, reject) => pending.push({ resolve, reject })),
    calls: () => pending.length,
    settle: (value) => {
      const last = pending.at(-1);
      if (value instanceof Error) last?.reject(value);
      else last?.resolve(value);
    },
  };
}

describe('readAtMostEvery', function () {
  it('gives every caller within the interval the same read', async function () {
    const source = manualRead();
    const get = readAtMostEvery(60_000, source.read);
    const first = get();
    source.settle(7);
    assert.deepEqual(await Promise.all([first, get(), get()]), [7, 7, 7]);
    assert.equal(source.calls(), 1);
  });

  it('never starts a read while one is in flight, even once the interval is over', async function () {
    const source = manualRead();
    const get = readAtMostEvery(0, source.read);
    const first = get();
    const second = get();
    assert.equal(source.calls(), 1);
    source.settle(1);
    assert.deepEqual(await Promise.all([first, second]), [1, 1]);
    const third = get();
    assert.equal(source.calls(), 2, 'a new read once the last one settled and the interval passed');
    source.settle(2);
    assert.equal(await third, 2);
  });

  it('counts a failed read as a read: its callers see the failure, and the next read waits for the interval', async function () {
    const source = manualRead();
    const get = readAtMostEvery(60_000, source.read);
    const failed = get();
    source.settle(new Error('slow store'));
    await assert.rejects(failed, /slow store/);
    await assert.rejects(get(), /slow store/);
    assert.equal(source.calls(), 1);
  });
});

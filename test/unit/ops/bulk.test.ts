import assert from 'node:assert/strict';
import { runBulk } from '../../../src/ops/bulk';
import { OpsError } from '../../../src/ops/context';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `demo:${i}`);

describe('runBulk(ids, op, { rate, concurrency })', function () {
  it('starts no more than `rate` operations per second', async function () {
    const starts: number[] = [];
    const t0 = performance.now();
    await runBulk(ids(6), async () => void starts.push(performance.now()), { rate: 20, concurrency: 3 });
    // The k-th start waits for its slot, k/rate after the beginning (late is fine on a loaded
    // machine; a timer may fire a millisecond early).
    [...starts].sort((a, b) => a - b).forEach((at, k) => assert.ok(at - t0 >= k * 50 - 2, `start ${k} at ${at - t0} ms`));
  });

  it('keeps at most `concurrency` operations in flight', async function () {
    let inFlight = 0;
    let most = 0;
    await runBulk(
      ids(8),
      async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
      },
      { rate: 1000, concurrency: 2 },
    );
    assert.equal(most, 2);
  });

  it('goes on after a failure and reports each failure with its message', async function () {
    const summary = await runBulk(
      ids(4),
      async (id) => {
        if (id === 'demo:1') throw new OpsError('conflict', 'The run of "demo:1" is closed (COMPLETED)');
        if (id === 'demo:2') throw new TypeError('boom');
      },
      { rate: 1000 },
    );
    assert.deepEqual(summary, {
      total: 4,
      succeeded: 2,
      failed: [
        { id: 'demo:1', error: 'The run of "demo:1" is closed (COMPLETED)' },
        { id: 'demo:2', error: 'TypeError: boom' },
      ],
      notAttempted: [],
    });
  });

  it('stops starting operations once a server does not answer, and lists the rest as not attempted', async function () {
    const attempted: string[] = [];
    const summary = await runBulk(
      ids(5),
      async (id) => {
        attempted.push(id);
        throw new OpsError('unavailable', 'Temporal at 127.0.0.1:1 did not answer within 100 ms');
      },
      { rate: 1000, concurrency: 1 },
    );
    assert.deepEqual(attempted, ['demo:0']);
    assert.equal(summary.failed.length, 1);
    assert.deepEqual(summary.notAttempted, ['demo:1', 'demo:2', 'demo:3', 'demo:4']);
  });

  it('reports progress after every operation', async function () {
    const seen: string[] = [];
    await runBulk(ids(3), async () => {}, { rate: 1000, onProgress: (done, total) => seen.push(`${done}/${total}`) });
    assert.deepEqual(seen, ['1/3', '2/3', '3/3']);
  });
});

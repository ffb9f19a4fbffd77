import assert from 'node:assert/strict';
import type { Context } from 'koa';
import { DeliveriesInProgress } from '../../../src/receiver/deliveries-in-progress';

describe('DeliveriesInProgress', function () {
  const ctx = {} as Context;

  it('counts each delivery until its answer is decided, refused ones too', async function () {
    const deliveries = new DeliveriesInProgress();
    const counting = deliveries.counting();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const seen: number[] = [];

    const answered = counting(ctx, async () => {
      seen.push(deliveries.count);
      await held;
    });
    const refused = counting(ctx, () => {
      seen.push(deliveries.count);
      return Promise.reject(new Error('refused'));
    });
    await assert.rejects(refused, /refused/);
    assert.deepEqual(seen, [1, 2]);
    assert.equal(deliveries.count, 1, 'the refused one no longer counts; the held one does');
    release();
    await answered;
    assert.equal(deliveries.count, 0);
  });
});

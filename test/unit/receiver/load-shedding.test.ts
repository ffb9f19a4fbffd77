import assert from 'node:assert/strict';
import { ReceiverRefusal, type ReceiverReason } from '../../../src/receiver/refusals';
import { LoadShedding } from '../../../src/receiver/load-shedding';

function refusedFor(reason: ReceiverReason): (err: unknown) => boolean {
  return (err) => err instanceof ReceiverRefusal && err.reason === reason;
}

/** A shedding whose clock and backlog the test moves by hand. */
function shedding(maxPendingStarts = 10, storeSlowMs = 1000): { shed: LoadShedding; clock: { now: number }; backlog: { n: number } } {
  const clock = { now: 0 };
  const backlog = { n: 0 };
  const shed = new LoadShedding({ maxPendingStarts, storeSlowMs, backlog: () => backlog.n, now: () => clock.now });
  return { shed, clock, backlog };
}

/** A write that ends when `finish` is called. */
function pendingWrite(): { promise: Promise<void>; finish: () => void } {
  let finish: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (finish = resolve));
  return { promise, finish };
}

describe('LoadShedding', () => {
  it('takes deliveries while the backlog is under the bound, and refuses backlog_full at it', () => {
    const { shed, backlog } = shedding(10);
    backlog.n = 9;
    shed.check();
    backlog.n = 10;
    assert.throws(() => shed.check(), refusedFor('backlog_full'));
  });

  it('refuses store_slow while a write has run longer than the deadline, not before', async () => {
    const { shed, clock } = shedding(10, 1000);
    const write = pendingWrite();
    const timed = shed.timed(() => write.promise);
    clock.now = 1000;
    shed.check();
    clock.now = 1001;
    assert.throws(() => shed.check(), refusedFor('store_slow'));
    write.finish();
    await timed;
  });

  it('keeps refusing store_slow for a second after a slow write ended, then takes deliveries again', async () => {
    const { shed, clock } = shedding(10, 1000);
    const write = pendingWrite();
    const timed = shed.timed(() => write.promise);
    clock.now = 1500;
    write.finish();
    await timed;
    assert.throws(() => shed.check(), refusedFor('store_slow'));
    clock.now = 2499;
    assert.throws(() => shed.check(), refusedFor('store_slow'));
    clock.now = 2500;
    shed.check();
  });

  it('does not count fast writes, nor failed fast ones, as slow', async () => {
    const { shed, clock } = shedding(10, 1000);
    await shed.timed(async () => {
      clock.now += 10;
    });
    await assert.rejects(
      shed.timed(async () => {
        clock.now += 10;
        throw new Error('duplicate key');
      }),
    );
    shed.check();
  });
});

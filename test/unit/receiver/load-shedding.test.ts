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

  /** Ends one write that took `ms` on the test's clock. */
  async function writeTaking(shed: LoadShedding, clock: { now: number }, ms: number): Promise<void> {
    await shed.timed(async () => {
      clock.now += ms;
    });
  }

  /** Ends `n` concurrent writes that each took `ms` on the test's clock. */
  async function writesTaking(shed: LoadShedding, clock: { now: number }, n: number, ms: number): Promise<void> {
    const writes = Array.from({ length: n }, () => pendingWrite());
    const timed = writes.map((w) => shed.timed(() => w.promise));
    clock.now += ms;
    for (const w of writes) w.finish();
    await Promise.all(timed);
  }

  it('takes deliveries after one write slower than the deadline among fast ones', async () => {
    const { shed, clock } = shedding(10, 1000);
    await writeTaking(shed, clock, 10);
    await writeTaking(shed, clock, 4400);
    await writeTaking(shed, clock, 10);
    await writeTaking(shed, clock, 10);
    shed.check();
  });

  it('takes deliveries after one slow write alone, and while one write hangs past the deadline', async () => {
    const { shed, clock } = shedding(10, 1000);
    await writeTaking(shed, clock, 5000);
    shed.check();
    const hung = pendingWrite();
    const timed = shed.timed(() => hung.promise);
    clock.now += 3000;
    shed.check();
    hung.finish();
    await timed;
  });

  it('refuses store_slow while most recent writes are slower than the deadline, and takes deliveries once they are a second old', async () => {
    const { shed, clock } = shedding(10, 1000);
    await writeTaking(shed, clock, 10);
    await writesTaking(shed, clock, 3, 1200);
    assert.throws(() => shed.check(), refusedFor('store_slow'));
    clock.now += 999;
    assert.throws(() => shed.check(), refusedFor('store_slow'));
    clock.now += 1001;
    shed.check();
  });

  it('refuses store_slow while the writes under way have waited past the deadline (the store stopped answering)', async () => {
    const { shed, clock } = shedding(10, 1000);
    const hung = [pendingWrite(), pendingWrite(), pendingWrite()];
    const timed = hung.map((w) => shed.timed(() => w.promise));
    clock.now = 1000;
    shed.check();
    clock.now = 1001;
    assert.throws(() => shed.check(), refusedFor('store_slow'));
    for (const w of hung) w.finish();
    await Promise.all(timed);
  });

  it('takes deliveries again once fast writes are most of the last second', async () => {
    const { shed, clock } = shedding(10, 1000);
    await writesTaking(shed, clock, 3, 1500);
    assert.throws(() => shed.check(), refusedFor('store_slow'));
    for (let i = 0; i < 4; i++) await writeTaking(shed, clock, 5);
    shed.check();
  });

  it('refuses store_slow only when more than half of the recent writes are slow', async () => {
    const { shed, clock } = shedding(10, 100);
    await writesTaking(shed, clock, 2, 150);
    await writeTaking(shed, clock, 5);
    await writeTaking(shed, clock, 5);
    // Two slow of four: half is not most.
    shed.check();
    const hung = pendingWrite();
    const timed = shed.timed(() => hung.promise);
    clock.now += 140;
    // The write under way is slow by now: three of five.
    assert.throws(() => shed.check(), refusedFor('store_slow'));
    hung.finish();
    await timed;
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

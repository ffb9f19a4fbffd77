import assert from 'node:assert/strict';
import { DocumentWriteError, GroupCommit, type ItemOutcome } from '../../../src/store/group-commit';

/** A store whose group writes the test ends by hand, recording each group it was given. */
class HeldStore {
  readonly groups: string[][] = [];
  private readonly pending: { resolve: (outcomes: ItemOutcome[]) => void; reject: (err: Error) => void }[] = [];

  write = (items: readonly string[]): Promise<ItemOutcome[]> => {
    this.groups.push([...items]);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  };

  /** Ends the oldest group's write with `outcome(item)` for each item. */
  async finish(outcome: (item: string) => ItemOutcome = () => ({ ok: true })): Promise<void> {
    const group = this.groups[this.groups.length - this.pending.length];
    this.pending.shift()?.resolve((group ?? []).map(outcome));
    await new Promise((resolve) => setImmediate(resolve));
  }

  async fail(err: Error): Promise<void> {
    this.pending.shift()?.reject(err);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('GroupCommit', () => {
  it('writes a lone item at once, and gathers what arrives meanwhile into the next group', async () => {
    const store = new HeldStore();
    const commit = new GroupCommit(store.write, 10);
    const first = commit.write('a');
    assert.deepEqual(store.groups, [['a']], 'no wait for company');
    const rest = ['b', 'c', 'd'].map((item) => commit.write(item));
    assert.deepEqual(store.groups, [['a']], 'one group in flight at a time');
    await store.finish();
    await first;
    assert.deepEqual(store.groups, [['a'], ['b', 'c', 'd']]);
    await store.finish();
    await Promise.all(rest);
  });

  it('puts at most maxGroupSize items in one group', async () => {
    const store = new HeldStore();
    const commit = new GroupCommit(store.write, 2);
    const all = ['a', 'b', 'c', 'd', 'e'].map((item) => commit.write(item));
    await store.finish();
    await store.finish();
    await store.finish();
    await Promise.all(all);
    assert.deepEqual(store.groups, [['a'], ['b', 'c'], ['d', 'e']]);
  });

  it("settles each caller with its own item's outcome: one refused item rejects only its caller", async () => {
    const store = new HeldStore();
    const commit = new GroupCommit(store.write, 10);
    const lead = commit.write('lead');
    const others = Promise.allSettled(['ok-1', 'dup', 'ok-2'].map((item) => commit.write(item)));
    await store.finish();
    await lead;
    await store.finish((item) => (item === 'dup' ? { ok: false, error: new DocumentWriteError(11000, 'E11000 duplicate key') } : { ok: true }));
    const settled = await others;
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled']);
    const refused = settled[1];
    assert.ok(refused?.status === 'rejected' && refused.reason instanceof DocumentWriteError && refused.reason.code === 11000);
  });

  it('rejects every caller of a group whose whole write failed, and goes on with the next group', async () => {
    const store = new HeldStore();
    const commit = new GroupCommit(store.write, 10);
    const lead = commit.write('lead');
    const failing = Promise.allSettled(['x', 'y'].map((item) => commit.write(item)));
    await store.finish();
    await lead;
    const later = commit.write('later');
    await store.fail(new Error('connection reset'));
    const settled = await failing;
    assert.deepEqual(settled.map((s) => s.status), ['rejected', 'rejected']);
    assert.deepEqual(store.groups.at(-1), ['later']);
    await store.finish();
    await later;
  });
});

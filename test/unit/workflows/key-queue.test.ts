import assert from 'node:assert/strict';
import { KeyQueue, type QueuedEvent } from '../../../workflows/key-queue';

const at = (ref: string, receivedAtMs: number, reorderWindowMs = 0): QueuedEvent => ({ ref, receivedAtMs, reorderWindowMs });

/** Grants and finishes every event in turn; returns the refs in the order they had the turn. */
function drain(queue: KeyQueue, nowMs: number): string[] {
  const order: string[] = [];
  for (let step = queue.next(nowMs); step.kind === 'grant'; step = queue.next(nowMs)) {
    order.push(queue.grantHead().ref);
    queue.finish(step.event.ref);
  }
  return order;
}

describe('KeyQueue: one ordering key\'s turns', function () {
  it('gives turns in receipt order, whatever the order of enqueueing', function () {
    const queue = new KeyQueue();
    queue.enqueue(at('c', 30));
    queue.enqueue(at('a', 10));
    queue.enqueue(at('b', 20));
    assert.deepEqual(drain(queue, 100), ['a', 'b', 'c']);
  });

  it('breaks a tie in receipt time by ref', function () {
    const queue = new KeyQueue();
    queue.enqueue(at('y', 10));
    queue.enqueue(at('x', 10));
    assert.deepEqual(drain(queue, 100), ['x', 'y']);
  });

  it('gives one turn at a time: busy until the holder finishes', function () {
    const queue = new KeyQueue();
    queue.enqueue(at('a', 10));
    queue.enqueue(at('b', 20));
    assert.deepEqual(queue.grantHead(), { ref: 'a', turn: true, behind: null });
    assert.equal(queue.holder(), 'a');
    assert.deepEqual(queue.next(100), { kind: 'busy' });
    queue.finish('a');
    assert.equal(queue.holder(), undefined);
    assert.equal(queue.next(100).kind, 'grant');
  });

  it('keeps one place for an event enqueued twice, waiting or holding the turn, and tells it that place again', function () {
    const queue = new KeyQueue();
    queue.enqueue(at('a', 10));
    queue.enqueue(at('b', 20));
    assert.deepEqual(queue.enqueue(at('b', 20)), [{ ref: 'b', turn: false, behind: 'a' }]);
    queue.grantHead();
    assert.deepEqual(queue.enqueue(at('a', 10)), [{ ref: 'a', turn: true, behind: null }]);
    assert.deepEqual(queue.state(), { active: at('a', 10), waiting: [at('b', 20)] });
  });

  it('waits for the head\'s reorder window before its turn', function () {
    const queue = new KeyQueue();
    queue.enqueue(at('b', 1000, 500));
    assert.deepEqual(queue.next(1200), { kind: 'due', atMs: 1500 });
    queue.enqueue(at('a', 900, 500));
    assert.deepEqual(queue.next(1450), { kind: 'grant', event: at('a', 900, 500) });
  });

  it('puts an event received earlier but enqueued after a later one had its turn next, never beside it', function () {
    const queue = new KeyQueue();
    queue.enqueue(at('b', 20));
    queue.enqueue(at('c', 30));
    assert.equal(queue.grantHead().ref, 'b');
    queue.enqueue(at('a', 10));
    assert.deepEqual(queue.next(100), { kind: 'busy' });
    queue.finish('b');
    assert.deepEqual(drain(queue, 100), ['a', 'c']);
  });

  it('tells a new event whom it waits behind, and its successor that the new one now comes first', function () {
    const queue = new KeyQueue();
    assert.deepEqual(queue.enqueue(at('a', 10)), [{ ref: 'a', turn: false, behind: null }]);
    queue.grantHead();
    assert.deepEqual(queue.enqueue(at('c', 30)), [{ ref: 'c', turn: false, behind: 'a' }]);
    assert.deepEqual(queue.enqueue(at('b', 20)), [
      { ref: 'b', turn: false, behind: 'a' },
      { ref: 'c', turn: false, behind: 'b' },
    ]);
  });

  it('tells the head it waits behind nobody once the holder finishes (its window may still be open)', function () {
    const queue = new KeyQueue();
    queue.enqueue(at('a', 10));
    queue.grantHead();
    queue.enqueue(at('b', 20));
    assert.deepEqual(queue.finish('a'), [{ ref: 'b', turn: false, behind: null }]);
  });

  it('lets a waiting event leave (discarded before its turn), telling its successor', function () {
    const queue = new KeyQueue();
    queue.enqueue(at('a', 10));
    queue.grantHead();
    queue.enqueue(at('b', 20));
    queue.enqueue(at('c', 30));
    assert.deepEqual(queue.finish('b'), [{ ref: 'c', turn: false, behind: 'a' }]);
    queue.finish('a');
    assert.deepEqual(drain(queue, 100), ['c']);
  });

  it('ignores the finish of an event it does not hold', function () {
    const queue = new KeyQueue();
    queue.enqueue(at('a', 10));
    assert.deepEqual(queue.finish('zzz'), []);
    assert.equal(queue.state().waiting.length, 1);
  });

  it('carries holder and waiting events through its state, as continue-as-new does', function () {
    const queue = new KeyQueue();
    for (const [ref, ms] of [['a', 10], ['b', 20], ['c', 30]] as const) queue.enqueue(at(ref, ms));
    queue.grantHead();
    const carried = new KeyQueue(JSON.parse(JSON.stringify(queue.state())));
    assert.deepEqual(carried.next(100), { kind: 'busy' });
    carried.enqueue(at('b', 20));
    assert.equal(carried.state().waiting.length, 2, 'still one place each after the hand-over');
    carried.finish('a');
    assert.deepEqual(drain(carried, 100), ['b', 'c']);
  });

  it('is idle with nothing to hand out', function () {
    assert.deepEqual(new KeyQueue().next(0), { kind: 'idle' });
  });
});

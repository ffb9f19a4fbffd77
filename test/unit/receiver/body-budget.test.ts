import assert from 'node:assert/strict';
import { ReceiverRefusal } from '../../../src/receiver/refusals';
import { BodyBudget } from '../../../src/receiver/body-budget';

function busy(err: unknown): boolean {
  return err instanceof ReceiverRefusal && err.reason === 'receiver_busy';
}

describe('BodyBudget', () => {
  it('lets reservations grow up to the capacity, together', () => {
    const budget = new BodyBudget(100);
    const a = budget.reserve();
    const b = budget.reserve();
    a.cover(60);
    b.cover(40);
    assert.equal(budget.heldBytes, 100);
  });

  it('refuses growth past the capacity as receiver_busy and takes nothing for it', () => {
    const budget = new BodyBudget(100);
    const a = budget.reserve();
    a.cover(70);
    const b = budget.reserve();
    b.cover(10);
    assert.throws(() => b.cover(31), busy);
    assert.equal(budget.heldBytes, 80);
  });

  it('counts only the growth when a reservation covers a larger total', () => {
    const budget = new BodyBudget(100);
    const a = budget.reserve();
    a.cover(30);
    a.cover(50);
    a.cover(40);
    assert.equal(budget.heldBytes, 50);
  });

  it('gives every byte back on release, once, however often release is called', () => {
    const budget = new BodyBudget(100);
    const a = budget.reserve();
    const b = budget.reserve();
    a.cover(60);
    b.cover(30);
    a.release();
    a.release();
    assert.equal(budget.heldBytes, 30);
    b.release();
    assert.equal(budget.heldBytes, 0);
  });

  it('refuses to grow a released reservation', () => {
    const budget = new BodyBudget(100);
    const a = budget.reserve();
    a.release();
    assert.throws(() => a.cover(1), /released/);
    assert.equal(budget.heldBytes, 0);
  });
});

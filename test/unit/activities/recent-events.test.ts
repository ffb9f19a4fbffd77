import assert from 'node:assert/strict';
import { RecentEvents } from '../../../activities/recent-events';
import { newEvent } from '../../helpers/new-event';
import type { EventDocument } from '../../../src/store/events';

function routed(eventId: string, body?: string): EventDocument {
  const event = newEvent(eventId, body === undefined ? {} : { body });
  return { ...event, _id: `s:${eventId}`, status: 'processing', statusHistory: [], runId: null };
}

describe('RecentEvents (the events this worker has just routed)', function () {
  it('gives a run back the event it routed, and nothing to another run or for another event', function () {
    const recent = new RecentEvents();
    const event = routed('a');
    recent.remember('run-1', event);
    assert.equal(recent.recall('run-1', 's:a'), event);
    assert.equal(recent.recall('run-2', 's:a'), undefined, 'another run (a reset run) reads the store');
    assert.equal(recent.recall('run-1', 's:b'), undefined);
  });

  it('forgets a run once it is dropped', function () {
    const recent = new RecentEvents();
    recent.remember('run-1', routed('a'));
    recent.drop('run-1');
    assert.equal(recent.recall('run-1', 's:a'), undefined);
    assert.equal(recent.size, 0);
  });

  it('keeps at most its number of entries, the oldest out first', function () {
    const recent = new RecentEvents(2, 1 << 20);
    for (const id of ['a', 'b', 'c']) recent.remember(`run-${id}`, routed(id));
    assert.equal(recent.size, 2);
    assert.equal(recent.recall('run-a', 's:a'), undefined);
    assert.ok(recent.recall('run-c', 's:c'));
  });

  it('keeps at most its body bytes, and never an event larger than all of them', function () {
    const recent = new RecentEvents(100, 25);
    recent.remember('run-a', routed('a', 'x'.repeat(10)));
    recent.remember('run-b', routed('b', 'y'.repeat(10)));
    recent.remember('run-c', routed('c', 'z'.repeat(10)));
    assert.equal(recent.recall('run-a', 's:a'), undefined, 'the oldest went to make room');
    assert.ok(recent.recall('run-b', 's:b'));
    assert.ok(recent.recall('run-c', 's:c'));
    recent.remember('run-d', routed('d', 'w'.repeat(26)));
    assert.equal(recent.recall('run-d', 's:d'), undefined);
    assert.equal(recent.size, 2);
  });

  it('counts an event remembered twice for one run once', function () {
    const recent = new RecentEvents(100, 15);
    recent.remember('run-a', routed('a', 'x'.repeat(10)));
    recent.remember('run-a', routed('a', 'x'.repeat(10)));
    assert.ok(recent.recall('run-a', 's:a'), 'not pushed out by its own first copy');
  });
});

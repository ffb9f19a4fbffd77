import assert from 'node:assert/strict';
import { eventKey, parseEventKey } from '../../../src/event/key';

describe('event key', () => {
  it('joins source and event ID with a colon', () => {
    assert.equal(eventKey('stripe', 'evt_1'), 'stripe:evt_1');
  });

  it('parses back an event ID that holds colons itself', () => {
    assert.deepEqual(parseEventKey(eventKey('shop', 'urn:order:42')), { source: 'shop', eventId: 'urn:order:42' });
  });
});

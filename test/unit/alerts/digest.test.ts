import assert from 'node:assert/strict';
import type { RaisedAlert } from '../../../src/alerts/alert';
import { addAlert, MAX_CHANGES, SAMPLE_SIZE, type Digest } from '../../../src/alerts/digest';

function parked(n: number, source = 'shop', at = '2026-01-01T00:00:00.000Z'): RaisedAlert {
  return { kind: 'event_parked', ref: `${source}:evt_${n}`, source, handlers: ['erp'], at };
}

function digestOf(alerts: readonly RaisedAlert[]): Digest {
  let digest: Digest | null = null;
  for (const alert of alerts) digest = addAlert(digest, alert);
  assert.ok(digest);
  return digest;
}

describe('addAlert(digest, alert)', function () {
  it('counts a thousand parked events by source and handler, naming only the first few', function () {
    const digest = digestOf([...Array.from({ length: 990 }, (_, n) => parked(n)), ...Array.from({ length: 10 }, (_, n) => parked(n, 'github'))]);
    assert.equal(digest.parked.count, 1000);
    assert.deepEqual(digest.parked.bySource, { shop: 990, github: 10 });
    assert.deepEqual(digest.parked.byHandler, { erp: 1000 });
    assert.equal(digest.parked.sample.length, SAMPLE_SIZE);
    assert.equal(digest.parked.sample[0], 'shop:evt_0');
  });

  it('spans the window from the first to the last alert raised', function () {
    const digest = digestOf([parked(1, 'shop', '2026-01-01T00:00:05.000Z'), parked(2, 'shop', '2026-01-01T00:00:01.000Z'), parked(3, 'shop', '2026-01-01T00:00:09.000Z')]);
    assert.equal(digest.from, '2026-01-01T00:00:01.000Z');
    assert.equal(digest.to, '2026-01-01T00:00:09.000Z');
  });

  it('lists breaker and backlog changes in order, and counts those past the limit', function () {
    const at = '2026-01-01T00:00:00.000Z';
    const alerts: RaisedAlert[] = [
      { kind: 'breaker_opened', handler: 'erp', reason: '10 failures in a row', at },
      { kind: 'backlog_exceeded', scope: 'service', measure: 'open_runs', value: 12, threshold: 10, at },
      ...Array.from({ length: MAX_CHANGES }, (): RaisedAlert => ({ kind: 'breaker_closed', handler: 'erp', at })),
    ];
    const digest = digestOf(alerts);
    assert.deepEqual(digest.breakers[0], { handler: 'erp', state: 'opened', at, reason: '10 failures in a row' });
    assert.deepEqual(digest.backlog, [{ scope: 'service', measure: 'open_runs', state: 'exceeded', value: 12, threshold: 10, at }]);
    assert.equal(digest.breakers.length + digest.backlog.length, MAX_CHANGES);
    assert.equal(digest.omitted, 2);
    assert.equal(digest.parked.count, 0);
  });
});

import assert from 'node:assert/strict';
import { OpsError } from '../../../src/ops/context';
import { parseEventFilter, parseLimit, parseTime } from '../../../src/ops/events';
import { toMongoFilter } from '../../../src/store/event-queries';

const NOW = new Date('2024-05-01T12:00:00Z');

describe('parseEventFilter(raw)', function () {
  it('keeps only the filters given', function () {
    assert.deepEqual(parseEventFilter({ source: 'stripe', status: 'failed', type: 'invoice.*' }, NOW), {
      source: 'stripe',
      status: 'failed',
      eventType: 'invoice.*',
    });
    assert.deepEqual(parseEventFilter({}, NOW), {});
  });

  it('filters by ordering key exactly, in MongoDB too', function () {
    const query = parseEventFilter({ key: 'cus_42', source: 'stripe' }, NOW);
    assert.deepEqual(query, { source: 'stripe', orderingKey: 'cus_42' });
    assert.deepEqual(toMongoFilter(query), { source: 'stripe', orderingKey: 'cus_42', status: { $ne: 'expired' } });
  });

  it('refuses an unknown status as a bad_request listing the valid ones', function () {
    assert.throws(
      () => parseEventFilter({ status: 'done' }),
      (err: unknown) => err instanceof OpsError && err.reason === 'bad_request' && /one of received, processing/.test(err.message),
    );
  });
});

describe('parseTime(name, text, now)', function () {
  it('reads spans back from now and ISO times', function () {
    assert.equal(parseTime('since', '90s', NOW).toISOString(), '2024-05-01T11:58:30.000Z');
    assert.equal(parseTime('since', '15m', NOW).toISOString(), '2024-05-01T11:45:00.000Z');
    assert.equal(parseTime('since', '2h', NOW).toISOString(), '2024-05-01T10:00:00.000Z');
    assert.equal(parseTime('since', '7d', NOW).toISOString(), '2024-04-24T12:00:00.000Z');
    assert.equal(parseTime('until', '2024-04-30T08:00:00Z', NOW).toISOString(), '2024-04-30T08:00:00.000Z');
  });

  it('refuses anything else, naming the option', function () {
    for (const text of ['yesterday', '15', '-1h', '2024-13-45', '']) {
      assert.throws(() => parseTime('until', text, NOW), /until must be an ISO time/, text);
    }
  });
});

describe('parseLimit(text, fallback, max)', function () {
  it('accepts 1 to max, defaults when absent, refuses the rest', function () {
    assert.equal(parseLimit(undefined, 50, 100), 50);
    assert.equal(parseLimit('100', 50, 100), 100);
    for (const text of ['0', '101', '2.5', 'ten']) assert.throws(() => parseLimit(text, 50, 100), /limit must be a whole number from 1 to 100/);
  });
});

describe('toMongoFilter(query)', function () {
  it('matches a type prefix with an anchored, escaped regex and a time range half-open', function () {
    const since = new Date('2024-05-01T00:00:00Z');
    const until = new Date('2024-05-02T00:00:00Z');
    assert.deepEqual(toMongoFilter({ eventType: 'a.b*', since, until }), {
      status: { $ne: 'expired' },
      eventType: { $regex: '^a\\.b' },
      receivedAt: { $gte: since, $lt: until },
    });
    assert.deepEqual(toMongoFilter({ eventType: 'a.b' }), { status: { $ne: 'expired' }, eventType: 'a.b' });
  });
  it('leaves expired events out unless the query asks for that status', function () {
    assert.deepEqual(toMongoFilter({}), { status: { $ne: 'expired' } });
    assert.deepEqual(toMongoFilter({ status: 'expired' }), { status: 'expired' });
    assert.deepEqual(toMongoFilter({ status: 'ignored' }), { status: 'ignored' });
  });
});

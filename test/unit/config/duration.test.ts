import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../../src/config/duration';

describe('parseDuration(text)', function () {
  it('reads each unit', function () {
    assert.deepEqual(['250ms', '30s', '5m', '2h', '7d'].map(parseDuration), [250, 30_000, 300_000, 7_200_000, 604_800_000]);
  });
  it('reads fractions that come to whole milliseconds', function () {
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('0.5ms'), undefined);
  });
  it('refuses a number without a unit, zero, negatives and unknown units', function () {
    assert.deepEqual(['30', '0s', '-1s', '1w', '1 s', '', 's'].map(parseDuration), Array(7).fill(undefined));
  });
});

describe('formatDuration(ms)', function () {
  it('uses the largest unit that divides the value', function () {
    assert.deepEqual([604_800_000, 7_200_000, 90_000, 1500].map(formatDuration), ['7d', '2h', '90s', '1500ms']);
  });
});

import assert from 'node:assert/strict';
import { DEFAULT_BREAKER } from '../../../src/config/handlers';
import { Breaker } from '../../../workflows/breaker';

const failures = (n: number) => ({ succeeded: 0, failed: n, trailingFailures: n });
const successes = (n: number) => ({ succeeded: n, failed: 0, trailingFailures: 0 });

describe("Breaker: one handler's circuit breaker", function () {
  it('opens after 10 failures in a row, counted across batches', function () {
    const breaker = new Breaker(DEFAULT_BREAKER);
    assert.equal(breaker.record(failures(6), 0), undefined);
    assert.equal(breaker.record(failures(4), 1000), 'open');
    assert.equal(breaker.nextProbeAtMs, 1000 + DEFAULT_BREAKER.probeIntervalMs);
  });

  it('starts counting failures in a row again after a batch with a success', function () {
    // The failure ratio left out: only failures in a row count here.
    const breaker = new Breaker({ ...DEFAULT_BREAKER, minimumAttempts: 1000 });
    breaker.record(failures(9), 0);
    assert.equal(breaker.record({ succeeded: 1, failed: 3, trailingFailures: 2 }, 1000), undefined);
    assert.equal(breaker.record(failures(7), 2000), undefined);
    assert.equal(breaker.record(failures(1), 3000), 'open');
  });

  it('opens when more than half of at least 20 attempts within the window failed', function () {
    const breaker = new Breaker(DEFAULT_BREAKER);
    assert.equal(breaker.record({ succeeded: 9, failed: 10, trailingFailures: 1 }, 0), undefined, '19 attempts are too few');
    assert.equal(breaker.record({ succeeded: 0, failed: 1, trailingFailures: 1 }, 1000), 'open');
  });

  it('forgets attempts older than the window', function () {
    const breaker = new Breaker(DEFAULT_BREAKER);
    breaker.record({ succeeded: 9, failed: 10, trailingFailures: 1 }, 0);
    assert.equal(breaker.record({ succeeded: 1, failed: 1, trailingFailures: 1 }, DEFAULT_BREAKER.windowMs + 1), undefined);
  });

  it('ignores reports while open, turns half-open at the probe time, and closes on a successful probe', function () {
    const breaker = new Breaker(DEFAULT_BREAKER);
    breaker.record(failures(10), 0);
    assert.equal(breaker.record(successes(3), 1), undefined, 'attempts started before it opened change nothing');
    assert.equal(breaker.probeDue(DEFAULT_BREAKER.probeIntervalMs - 1), undefined);
    assert.equal(breaker.probeDue(DEFAULT_BREAKER.probeIntervalMs), 'half-open');
    assert.equal(breaker.record(successes(1), DEFAULT_BREAKER.probeIntervalMs + 500), 'closed');
    assert.equal(breaker.record(failures(9), DEFAULT_BREAKER.probeIntervalMs + 600), undefined, 'closing resets the counts');
  });

  it('reopens on a failed probe with twice the wait, up to the maximum', function () {
    const settings = { ...DEFAULT_BREAKER, probeIntervalMs: 1000, maximumProbeIntervalMs: 3000 };
    const breaker = new Breaker(settings);
    breaker.record(failures(10), 0);
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 3; i++) {
      const probeAt = breaker.nextProbeAtMs ?? Number.NaN;
      waits.push(probeAt - now);
      now = probeAt;
      breaker.probeDue(now);
      breaker.record(failures(1), now);
    }
    assert.deepEqual(waits, [1000, 2000, 3000]);
  });

  it('carries its memory through continue-as-new as plain JSON', function () {
    const breaker = new Breaker(DEFAULT_BREAKER);
    breaker.record(failures(9), 0);
    const again = new Breaker(DEFAULT_BREAKER, JSON.parse(JSON.stringify(breaker.memory())));
    assert.equal(again.record(failures(1), 1000), 'open');
  });
});

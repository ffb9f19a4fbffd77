import assert from 'node:assert/strict';
import { formatReport, problems } from '../chaos/report';
import { runChaos } from '../chaos/run-chaos';

/**
 * The short form of `npm run chaos`: one fault of each kind under a steady stream of signed events,
 * then every acknowledged event checked end to end. It runs its own Temporal and MongoDB servers,
 * receiver and worker processes, and destination, and stops them all at the end.
 */
describe('chaos (short): one fault of each kind, nothing lost', function () {
  this.timeout(300_000);

  it('processes every acknowledged event exactly once through a worker kill, Temporal and MongoDB restarts and a destination outage', async function () {
    const report = await runChaos({
      minEvents: 40,
      maxEvents: 300,
      rate: 3,
      plan: {
        faults: ['kill-worker', 'restart-temporal', 'restart-mongo', 'stop-destination'],
        gapMs: 2000,
        serverDownMs: 2000,
        destinationDownMs: 4000,
      },
      drainMs: 90_000,
      requestTimeoutMs: 20_000,
      log: () => undefined,
    });
    console.log(formatReport(report).replace(/^/gm, '      '));
    assert.equal(report.faults.length, 4, 'every fault was injected');
    assert.ok(report.acknowledged > 0);
    assert.deepEqual(problems(report), []);
  });
});

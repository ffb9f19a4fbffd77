import assert from 'node:assert/strict';
import { formatReport, problems } from '../chaos/report';
import { runChaos } from '../chaos/run-chaos';

/**
 * Production's shape on the cluster profile: two receivers behind a round robin and two workers on
 * one task queue, on the full Temporal server. One receiver and one worker are killed (SIGKILL)
 * while events stream in through both receivers.
 */
describe('chaos on the cluster profile: two receivers and two workers, one of each killed', function () {
  this.timeout(300_000);

  it('processes every acknowledged event exactly once, none lost, through a receiver kill and a worker kill', async function () {
    const report = await runChaos({
      minEvents: 60,
      maxEvents: 300,
      rate: 4,
      receivers: 2,
      workers: 2,
      plan: { faults: ['kill-receiver', 'kill-worker', 'kill-receiver'], gapMs: 3000, serverDownMs: 2000, destinationDownMs: 4000 },
      drainMs: 90_000,
      requestTimeoutMs: 20_000,
      log: () => undefined,
    });
    console.log(formatReport(report).replace(/^/gm, '      '));
    assert.deepEqual(report.setup, { temporal: 'cluster', receivers: 2, workers: 2 });
    assert.equal(report.faults.length, 3, 'every fault was injected');
    assert.ok(report.acknowledged >= 60);
    assert.deepEqual(problems(report), []);
  });
});

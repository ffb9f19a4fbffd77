/**
 * `npm run bench -- --smoke` against the suite's servers: proves the harness runs end to end
 * (children, both baselines, closed and open loop, the bare shape's ceiling, the burst and the same
 * burst to the bare Koa app, ordering's cost, results files), that every bare-shape run completes,
 * and that the burst's events are each acknowledged and processed once. The benchmark itself never
 * runs here.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { BenchResults } from '../../bench/results';
import { testServices } from '../setup/root-hooks';

const run = promisify(execFile);
const benchMain = resolve(__dirname, '../../bench/main.js');

describe('npm run bench -- --smoke', function () {
  this.timeout(5 * 60_000);
  let out: string;
  let results: BenchResults;

  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'hookflow-bench-test-'));
    const services = testServices();
    await run(process.execPath, [benchMain, '--smoke', '--out', out], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: services.temporalAddress,
        TEMPORAL_NAMESPACE: services.temporalNamespace,
        MONGO_URL: services.mongoUrl,
      },
      maxBuffer: 10 * 1024 * 1024,
    });
    // Written by the bench from the BenchResults type.
    results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
  });

  after(() => rmSync(out, { recursive: true, force: true }));

  it('writes results.json, results.md and chart.svg', () => {
    assert.ok(readFileSync(join(out, 'results.md'), 'utf8').includes('| receiver | c='));
    assert.ok(readFileSync(join(out, 'chart.svg'), 'utf8').startsWith('<svg'));
    assert.ok(existsSync(join(out, 'results.json')));
  });

  it('measures the receiver, the floor and the bare Koa ceiling at each level', () => {
    for (const kind of ['receiver', 'floor', 'bare-koa'] as const) {
      const phase = results.phases.find((p) => p.kind === kind && p.mode === 'closed');
      assert.ok(phase, `no ${kind} phase`);
      assert.ok(phase.okPerSecond > 0, `${kind}: no throughput`);
      assert.ok(phase.latency.count > 0 && phase.latency.p99 >= phase.latency.p50, `${kind}: no latencies`);
      assert.equal(phase.errors, 0, `${kind}: errors`);
    }
    assert.ok(results.ratios.length > 0 && results.ratios.every((r) => r.throughput > 0 && r.p99 > 0));
  });

  it('follows every accepted event to its closed run, in the closed and the open loop', () => {
    for (const mode of ['closed', 'open'] as const) {
      const phase = results.phases.find((p) => p.kind === 'receiver' && p.mode === mode);
      assert.ok(phase?.endToEnd, `no end-to-end figures for the ${mode} loop`);
      assert.ok(phase.endToEnd.events > 0);
      assert.equal(phase.endToEnd.completed, phase.endToEnd.events, `${mode}: not every accepted event completed`);
    }
  });

  it('acknowledges every event of the burst and processes each exactly once (each forwarded once)', () => {
    const burst = results.burst;
    assert.ok(burst, 'no burst phase');
    assert.ok(burst.events > 0);
    assert.equal(burst.acknowledged, burst.events, `statuses ${JSON.stringify(burst.statuses)}`);
    assert.equal(burst.errors, 0);
    assert.equal(burst.processed, burst.events, 'every run closed');
    assert.equal(burst.forwardedOnce, burst.events, 'every event reached the destination exactly once');
    assert.equal(burst.forwardedMoreThanOnce, 0);
    assert.ok(burst.lastAckToAllProcessedMs !== null);
  });

  it('sends the same burst to the bare Koa app first: every delivery answered 200, its times summarized', () => {
    const bare = results.burst?.bareKoa;
    assert.ok(bare, 'no bare Koa burst');
    assert.equal(bare.ack.count, results.burst?.events, 'one answer per delivery');
    assert.equal(bare.errors, 0);
    assert.ok(bare.ack.p50 > 0 && bare.ack.p99 >= bare.ack.p50 && bare.ack.max >= bare.ack.p99);
  });

  it('runs the bare workflow shape on Temporal alone: every run started and completed, histories sampled', () => {
    const ceiling = results.ceiling;
    assert.ok(ceiling, 'no ceiling phase');
    assert.ok(ceiling.runs > 0);
    assert.equal(ceiling.errors, 0, ceiling.firstError);
    assert.equal(ceiling.started, ceiling.runs);
    assert.equal(ceiling.completed, ceiling.runs, 'every bare-shape run completed');
    assert.equal(ceiling.closedOtherwise, 0);
    assert.ok((ceiling.cost.historyEventsPerRun?.sampled ?? 0) > 0, 'no bare-shape history sampled');
    const own = ceiling.ownActivityQueue;
    assert.equal(own.errors, 0, own.firstError);
    assert.equal(own.completed, own.runs, 'every run of the shape with its activity on its own queue completed');
    assert.equal(own.cost.historyEventsPerRun?.mean, ceiling.cost.historyEventsPerRun?.mean, 'the same history either way');
    const featured = ceiling.withFeatures;
    assert.equal(featured.errors, 0, featured.firstError);
    assert.equal(featured.completed, featured.runs, "every run of the shape with hookflow's features completed");
    const burstHistory = results.burst?.cost.historyEventsPerRun?.mean;
    assert.equal(featured.cost.historyEventsPerRun?.mean, burstHistory, "the shape with hookflow's features has the history of hookflow's own run");
    for (const run of [ceiling, own, featured]) assert.ok((run.cost.cpuMsPerEventByProcess['shape worker'] ?? 0) > 0, 'the shape worker\'s CPU per run is measured');
    assert.ok((results.burst?.cost.cpuMsPerEventByProcess.worker ?? 0) > 0, "the worker's CPU per event in the burst is measured");
    assert.ok((results.burst?.cost.historyEventsPerRun?.sampled ?? 0) > 0, 'no burst history sampled');
  });

  it('measures what ordering costs: the same events unordered, over many keys and of one key, every run completed', () => {
    const ordering = results.ordering;
    assert.ok(ordering, 'no ordering phase');
    assert.deepEqual(
      ordering.rows.map((r) => (r.keys === 'off' || r.keys === 1 ? r.keys : 'many')),
      ['off', 'many', 1],
    );
    for (const row of ordering.rows) {
      assert.ok(row.events > 0, `${row.keys}: no event accepted`);
      assert.equal(row.completed, row.events, `${row.keys}: not every event's run completed`);
      assert.ok(row.completedPerSecond > 0);
    }
  });

  it('sends duplicates and reports peak memory of the receiver and the worker', () => {
    const receiver = results.phases.find((p) => p.kind === 'receiver' && p.mode === 'closed');
    assert.ok((receiver?.statuses['200'] ?? 0) > 0, 'no duplicate was answered 200');
    assert.ok((results.lifetimePeakRssMb.receiver ?? 0) > 0 && (results.lifetimePeakRssMb.worker ?? 0) > 0);
    assert.ok(results.targets.length >= 6);
  });
});

/**
 * One measured phase each: the bare Koa ceiling (b), the floor (a), and the receiver in a closed or
 * an open loop. Every phase gets fresh deliveries, signed before its clock starts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { EventStore } from '../src/store/events';
import { startChild } from './children';
import { runClosedLoop } from './closed-loop';
import { makeDeliveries, type Delivery } from './deliveries';
import { endToEnd, statusLost, waitForRuns, type BacklogPoint, type Completion, type EndToEnd, type RunWindow } from './end-to-end';
import type { FloorJob, FloorResult } from './floor-job';
import { countStatus, type LoadResult } from './load-result';
import { runOpenLoop } from './open-loop';
import type { BenchOptions } from './options';
import { ProcessSampler } from './proc-stats';
import type { PhaseResult } from './results';
import { round, summarize } from './stats';
import { emptyStore, fillStore, measureStore } from './store-size';

export interface BenchContext {
  readonly opts: BenchOptions;
  readonly runId: string;
  /** Logs, job files, the sources file. */
  readonly workDir: string;
  readonly receiverUrl: string;
  readonly koaUrl: string;
  readonly store: EventStore;
  readonly temporal: Client;
  readonly taskQueue: string;
  /** Processes whose memory and CPU each phase reports (receiver, worker, servers, the bench itself). */
  readonly pids: ReadonlyMap<string, number>;
  readonly floorJob: Omit<FloorJob, 'concurrency' | 'maxSeconds' | 'deliveries'>;
  readonly sources: readonly string[];
  readonly log: (line: string) => void;
}

function deliveries(ctx: BenchContext, label: string, count: number): Delivery[] {
  return makeDeliveries({
    count,
    duplicateShare: ctx.opts.duplicateShare,
    bodyBytes: ctx.opts.bodyBytes,
    prefix: `${ctx.runId}-${label}`,
    now: new Date(),
  });
}

function window(ctx: BenchContext, from: Date): RunWindow {
  return { taskQueue: ctx.taskQueue, from };
}

function fromLoad(load: LoadResult): Pick<PhaseResult, 'sent' | 'durationMs' | 'okPerSecond' | 'newPerSecond' | 'latency' | 'statuses' | 'errors'> {
  const seconds = load.durationMs / 1000;
  const ok = countStatus(load, (s) => s >= 200 && s < 300);
  return {
    sent: load.sent,
    durationMs: round(load.durationMs, 0),
    okPerSecond: round(ok / seconds),
    newPerSecond: round(countStatus(load, (s) => s === 202) / seconds),
    latency: summarize(load.latencies),
    statuses: load.statuses,
    errors: countStatus(load, (s) => s < 200 || s >= 300) + load.transportErrors + load.skipped,
  };
}

/** Deliveries sent before the first level and not reported: JIT, connection pools, caches. */
export async function warmUp(ctx: BenchContext): Promise<void> {
  if (ctx.opts.warmup <= 0) return;
  const from = new Date();
  const load = await runClosedLoop({ url: ctx.receiverUrl, deliveries: deliveries(ctx, 'warmup', ctx.opts.warmup), connections: 4, maxSeconds: ctx.opts.maxSeconds });
  await runClosedLoop({ url: ctx.koaUrl, deliveries: deliveries(ctx, 'warmup-koa', ctx.opts.warmup), connections: 4, maxSeconds: ctx.opts.maxSeconds });
  await waitForRuns(ctx.temporal, window(ctx, from), load.accepted.length, ctx.opts.drainSeconds * 1000);
}

export async function bareKoaPhase(ctx: BenchContext, concurrency: number): Promise<PhaseResult> {
  const list = deliveries(ctx, `koa-c${concurrency}`, ctx.opts.count);
  const sampler = new ProcessSampler(ctx.pids);
  sampler.start();
  const load = await runClosedLoop({ url: ctx.koaUrl, deliveries: list, connections: concurrency, maxSeconds: ctx.opts.maxSeconds });
  return { kind: 'bare-koa', mode: 'closed', concurrency, ...fromLoad(load), processes: sampler.stop() };
}

export async function floorPhase(ctx: BenchContext, concurrency: number): Promise<PhaseResult> {
  const jobFile = join(ctx.workDir, `floor-c${concurrency}.job.json`);
  const resultFile = join(ctx.workDir, `floor-c${concurrency}.result.json`);
  const job: FloorJob = { ...ctx.floorJob, concurrency, maxSeconds: ctx.opts.maxSeconds, deliveries: deliveries(ctx, `floor-c${concurrency}`, ctx.opts.count) };
  writeFileSync(jobFile, JSON.stringify(job));
  await emptyStore(ctx.store);
  const from = new Date();
  const child = startChild({
    name: 'floor',
    script: join(__dirname, 'floor-main.js'),
    args: [jobFile, resultFile],
    env: process.env,
    logFile: join(ctx.workDir, `floor-c${concurrency}.log`),
  });
  const sampler = new ProcessSampler(new Map([...ctx.pids, ['floor', child.pid]]));
  sampler.start();
  const code = await child.exited;
  const processes = sampler.stop();
  if (code !== 0) throw new Error(`bench: the floor process exited with code ${code}; see ${child.spec.logFile}\n${child.output().slice(-15).join('\n')}`);
  // Written by floorPhase's own child from the FloorResult type.
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as FloorResult;
  const drain = await waitForRuns(ctx.temporal, window(ctx, from), result.outcomes.inserted ?? 0, ctx.opts.drainSeconds * 1000);
  const seconds = result.durationMs / 1000;
  const failed = result.outcomes.error ?? 0;
  return {
    kind: 'floor',
    mode: 'closed',
    concurrency,
    sent: result.latencies.length,
    durationMs: round(result.durationMs, 0),
    okPerSecond: round((result.latencies.length - failed) / seconds),
    newPerSecond: round((result.outcomes.inserted ?? 0) / seconds),
    latency: summarize(result.latencies),
    statuses: result.outcomes,
    errors: failed,
    drain,
    store: await measureStore(ctx.store),
    processes,
    ...(result.firstError ? { firstError: result.firstError } : {}),
  };
}

/** The receiver in a closed loop; `stored` events are put in the store first (default: none). */
export async function receiverClosedPhase(ctx: BenchContext, concurrency: number, stored = 0): Promise<PhaseResult> {
  const list = deliveries(ctx, `recv-c${concurrency}${stored > 0 ? `-s${stored}` : ''}`, ctx.opts.count);
  await emptyStore(ctx.store);
  if (stored > 0) await fillStore(ctx.store, deliveries(ctx, `fill-${stored}`, stored).filter((d) => !d.duplicate));
  const from = new Date();
  const sampler = new ProcessSampler(ctx.pids);
  sampler.start();
  const load = await runClosedLoop({ url: ctx.receiverUrl, deliveries: list, connections: concurrency, maxSeconds: ctx.opts.maxSeconds });
  const processes = sampler.stop();
  const { drain, e2e, lost } = await settle(ctx, from, load);
  // A closed loop's backlog is bounded by its concurrency; the series matters for the open loop only.
  const { backlog: _series, ...figures } = e2e;
  return {
    kind: 'receiver',
    mode: 'closed',
    concurrency,
    ...(stored > 0 ? { storedBefore: stored } : {}),
    ...fromLoad(load),
    endToEnd: { ...figures, statusLost: lost },
    drain,
    store: await measureStore(ctx.store),
    processes,
  };
}

/** After a receiver phase: waits for its runs to close, then measures them. */
async function settle(ctx: BenchContext, from: Date, load: LoadResult): Promise<{ drain: Completion; e2e: EndToEnd; lost: number }> {
  const drain = await waitForRuns(ctx.temporal, window(ctx, from), load.accepted.length, ctx.opts.drainSeconds * 1000);
  const e2e = await endToEnd(ctx.temporal, window(ctx, from), load.accepted);
  const lost = drain.unfinished === 0 ? await statusLost(ctx.store, from, ctx.sources) : 0;
  return { drain, e2e, lost };
}

export async function receiverOpenPhase(ctx: BenchContext, maxRate: number, fraction: number): Promise<PhaseResult> {
  const rate = maxRate * fraction;
  const count = Math.max(1, Math.round(rate * ctx.opts.openLoopSeconds));
  const list = deliveries(ctx, `open-r${Math.round(rate)}`, count);
  await emptyStore(ctx.store);
  const from = new Date();
  const sampler = new ProcessSampler(ctx.pids);
  sampler.start();
  const load = await runOpenLoop({ url: ctx.receiverUrl, deliveries: list, rate, maxInFlight: 256, graceSeconds: 15 });
  const processes = sampler.stop();
  const { drain, e2e, lost } = await settle(ctx, from, load);
  const backlogSlopePerSecond = round(slope(e2e.backlog.filter((p) => p.t >= ctx.opts.openLoopSeconds / 2 && p.t <= ctx.opts.openLoopSeconds)));
  return {
    kind: 'receiver',
    mode: 'open',
    targetRate: round(rate),
    fractionOfMax: fraction,
    ...fromLoad(load),
    endToEnd: { ...e2e, backlogSlopePerSecond, statusLost: lost },
    drain,
    store: await measureStore(ctx.store),
    processes,
  };
}

/** Least-squares slope of backlog over time, events per second; 0 for fewer than two points. */
function slope(points: readonly BacklogPoint[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mb = points.reduce((a, p) => a + p.backlog, 0) / n;
  const num = points.reduce((a, p) => a + (p.t - mt) * (p.backlog - mb), 0);
  const den = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** The targets, checked against one run's phases. Every check says what it measured, pass or not. */
import type { BurstResult } from './burst';
import type { CeilingResult } from './ceiling';
import type { PhaseResult, Ratio, TargetCheck } from './results';
import { round } from './stats';

export const LIMITS = {
  throughputVsFloor: 0.9,
  p99VsFloor: 1.2,
  p99AtHalfRateMs: 50,
  endToEndVsAcks: 0.8,
  /** Backlog growth that still counts as flat, as a share of the new-event rate (per second). */
  backlogGrowthShare: 0.02,
  receiverRssMb: 150,
  workerRssMb: 300,
  burstAckP99Ms: 300,
  /** The burst's completed events/s against the bare shape's completed runs/s. */
  completedVsCeiling: 0.8,
  /** The Temporal server's CPU per burst event against its CPU per bare-shape run. */
  temporalCpuVsShape: 1.2,
} as const;

export function closedReceiver(phases: readonly PhaseResult[]): PhaseResult[] {
  return phases.filter((p) => p.kind === 'receiver' && p.mode === 'closed' && p.storedBefore === undefined);
}

/** The highest answer rate the receiver reached in a closed loop: the "maximum sustained rate". */
export function maxReceiverRate(phases: readonly PhaseResult[]): number {
  return closedReceiver(phases).reduce((max, p) => Math.max(max, p.okPerSecond), 0);
}

export function ratios(phases: readonly PhaseResult[]): Ratio[] {
  return closedReceiver(phases).flatMap((r) => {
    const floor = phases.find((p) => p.kind === 'floor' && p.concurrency === r.concurrency);
    if (!floor || r.concurrency === undefined) return [];
    return [{ concurrency: r.concurrency, throughput: round(r.okPerSecond / floor.okPerSecond), p99: round(r.latency.p99 / floor.latency.p99) }];
  });
}

export function checkTargets(
  phases: readonly PhaseResult[],
  levels: readonly Ratio[],
  lifetime: { receiver: number | null; worker: number | null },
  burst: BurstResult | null = null,
  ceiling: CeilingResult | null = null,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const perLevel = (pick: (r: Ratio) => number): string => levels.map((r) => `c=${r.concurrency}: ${pick(r)}`).join(', ');
  checks.push({
    target: `receiver throughput ≥ ${LIMITS.throughputVsFloor} × floor (a), every level`,
    measured: perLevel((r) => r.throughput),
    pass: levels.length > 0 && levels.every((r) => r.throughput >= LIMITS.throughputVsFloor),
  });
  checks.push({
    target: `receiver p99 ≤ ${LIMITS.p99VsFloor} × floor (a) p99, every level`,
    measured: perLevel((r) => r.p99),
    pass: levels.length > 0 && levels.every((r) => r.p99 <= LIMITS.p99VsFloor),
  });

  const half = phases.find((p) => p.mode === 'open' && p.fractionOfMax === 0.5);
  checks.push({
    target: `p99 acknowledgement < ${LIMITS.p99AtHalfRateMs} ms at half the max rate (open loop)`,
    measured: half ? `${half.latency.p99} ms at ${half.targetRate}/s` : 'no open-loop phase at 0.5',
    pass: half !== undefined && half.latency.p99 < LIMITS.p99AtHalfRateMs && half.errors === 0,
  });

  const e2e = half?.endToEnd;
  if (half && e2e) {
    const share = half.newPerSecond > 0 ? round(e2e.completedPerSecond / half.newPerSecond) : 0;
    const slope = e2e.backlogSlopePerSecond ?? 0;
    const flat = slope <= Math.max(1, LIMITS.backlogGrowthShare * half.newPerSecond);
    checks.push({
      target: `end-to-end ≥ ${LIMITS.endToEndVsAcks} × new-event rate, no growing backlog (open loop, ${Math.round(half.durationMs / 1000)} s)`,
      measured: `${e2e.completedPerSecond}/s completed vs ${half.newPerSecond}/s accepted (${share}); backlog slope ${slope}/s; ${half.drain?.unfinished ?? '?'} unfinished after drain`,
      pass: share >= LIMITS.endToEndVsAcks && flat && (half.drain?.unfinished ?? 1) === 0,
    });
  } else {
    checks.push({ target: 'end-to-end throughput and backlog', measured: 'no open-loop phase at 0.5', pass: false });
  }

  const underLoad = (name: string): number =>
    phases.filter((p) => p.kind === 'receiver').reduce((max, p) => Math.max(max, p.processes[name]?.peakRssMb ?? 0), 0);
  for (const [name, limit, life] of [
    ['receiver', LIMITS.receiverRssMb, lifetime.receiver],
    ['worker', LIMITS.workerRssMb, lifetime.worker],
  ] as const) {
    checks.push({
      target: `${name} RSS < ${limit} MB at peak`,
      measured: `${life === null ? '?' : round(life, 0)} MiB lifetime peak (start-up included), ${round(underLoad(name), 0)} MiB under load`,
      pass: life !== null && life < limit,
    });
  }
  checks.push(
    burst
      ? {
          target: `burst of ${burst.events} distinct events at c=${burst.concurrency}: ack p99 < ${LIMITS.burstAckP99Ms} ms, 0 errors, each processed once`,
          measured:
            `p50 ${burst.ack.p50}, p90 ${burst.ack.p90}, p99 ${burst.ack.p99}, max ${burst.ack.max} ms; ${burst.errors} errors; ` +
            `${burst.acknowledged} acknowledged (${burst.acknowledgedAccepted} 202, ${burst.acknowledgedDuplicate} 200 duplicate), ${burst.retriedAfter503} refused with 503 at first (sent again after Retry-After); ` +
            `${burst.processed} processed, ${burst.forwardedOnce} forwarded once, ${burst.forwardedMoreThanOnce} more than once; ` +
            `all processed ${burst.lastAckToAllProcessedMs ?? '?'} ms after the last ack; ` +
            `the bare Koa app under the same burst: p50 ${burst.bareKoa.ack.p50}, p99 ${burst.bareKoa.ack.p99} ms`,
          pass: burst.ack.p99 < LIMITS.burstAckP99Ms && burst.errors === 0 && burst.retriedAfter503 === 0 && burst.forwardedOnce === burst.events && burst.processed === burst.events,
        }
      : { target: 'burst', measured: 'skipped', pass: false },
  );
  checks.push(...ceilingChecks(burst, ceiling));
  return checks;
}

/** The burst held to the Temporal server's own pace and cost for the same workflow shape (the ceiling phase). */
function ceilingChecks(burst: BurstResult | null, ceiling: CeilingResult | null): TargetCheck[] {
  const pace = `completed events/s ÷ the same server's ceiling for the same shape > ${LIMITS.completedVsCeiling}`;
  const cost = `Temporal server CPU per processed event < ${LIMITS.temporalCpuVsShape} × the bare shape's`;
  if (!burst || !ceiling) {
    const measured = `${burst ? 'ceiling' : 'burst'} phase skipped`;
    return [
      { target: pace, measured, pass: false },
      { target: cost, measured, pass: false },
    ];
  }
  const paceRatio = ceiling.completedPerSecond > 0 ? round(burst.completedPerSecond / ceiling.completedPerSecond) : 0;
  const ours = burst.cost.temporalCpuMsPerEvent;
  const bare = ceiling.cost.temporalCpuMsPerEvent;
  const costRatio = ours !== null && bare !== null && bare > 0 ? round(ours / bare) : null;
  const history = (h: CeilingResult['cost']['historyEventsPerRun']): string => (h ? `${h.mean} history events per run` : 'history not sampled');
  // Held to the eager shape; the shape with its activity on its own queue (as hookflow's) is reported beside it.
  const own = ceiling.ownActivityQueue;
  const ownRatio = own.completedPerSecond > 0 ? round(burst.completedPerSecond / own.completedPerSecond) : 0;
  const ownCost = own.cost.temporalCpuMsPerEvent;
  // The same shape carrying what hookflow asks of the server for the UI: the burst's cost above it is hookflow's code alone.
  const featured = ceiling.withFeatures;
  const featuredRatio = featured.completedPerSecond > 0 ? round(burst.completedPerSecond / featured.completedPerSecond) : 0;
  const featuredCost = featured.cost.temporalCpuMsPerEvent;
  const featuredCostRatio = ours !== null && featuredCost !== null && featuredCost > 0 ? round(ours / featuredCost) : null;
  return [
    {
      target: pace,
      measured:
        `burst ${burst.completedPerSecond}/s vs bare shape ${ceiling.completedPerSecond}/s (${paceRatio}); ${ceiling.completed}/${ceiling.runs} bare runs completed; ` +
        `vs the shape with its activity on its own queue ${own.completedPerSecond}/s (${ownRatio}); ` +
        `vs that with hookflow's search attributes, summary, fairness key and status upsert ${featured.completedPerSecond}/s (${featuredRatio})`,
      pass: paceRatio > LIMITS.completedVsCeiling && ceiling.completed === ceiling.runs,
    },
    {
      target: cost,
      measured:
        costRatio === null
          ? 'the Temporal server process is not known to the bench (an external server): CPU not measured'
          : `burst ${ours} ms per event (${history(burst.cost.historyEventsPerRun)}) vs bare shape ${bare} ms per run (${history(ceiling.cost.historyEventsPerRun)}) (${costRatio}); ` +
            `its activity on its own queue ${ownCost ?? '–'} ms per run; that with hookflow's search attributes, summary, fairness key and status upsert ` +
            `${featuredCost ?? '–'} ms per run (${history(featured.cost.historyEventsPerRun)}), which the burst costs ${featuredCostRatio ?? '–'} times`,
      pass: costRatio !== null && costRatio < LIMITS.temporalCpuVsShape,
    },
  ];
}

/** results.md: the tables a reader compares, from results.json's data. */
import { shareOfUnordered } from './ordering';
import type { BenchResults, PhaseResult } from './results';
import type { ServerCost } from './server-cost';
import { round } from './stats';

const KIND_LABEL: Record<PhaseResult['kind'], string> = {
  receiver: 'receiver',
  floor: '(a) floor: insert + start',
  'bare-koa': '(b) bare Koa 200',
};

function load(p: PhaseResult): string {
  const base = p.mode === 'open' ? `open ${p.targetRate}/s` : `c=${p.concurrency}`;
  return p.storedBefore ? `${base}, ${p.storedBefore} stored first` : base;
}

function mb(p: PhaseResult, name: string): string {
  const v = p.processes[name]?.peakRssMb;
  return v === null || v === undefined ? '–' : String(Math.round(v));
}

function cpu(p: PhaseResult): string {
  const names = ['receiver', 'worker', 'temporal', 'mongo', 'floor', 'bench'];
  return names
    .flatMap((n) => {
      const v = p.processes[n]?.cpuCores;
      return v === null || v === undefined ? [] : [`${n.slice(0, 4)} ${v.toFixed(2)}`];
    })
    .join(' · ');
}

/** A figure, or a dash where there is none (no samples: NaN in memory, null once read back from JSON). */
function n(value: number | null | undefined): string {
  return typeof value !== 'number' || Number.isNaN(value) ? '–' : String(value);
}

export function phaseTable(phases: readonly PhaseResult[]): string {
  const head = [
    '| phase | load | sent | answers/s | new events/s | ack p50 | p90 | p99 | max (ms) | errors | e2e p50 | e2e p99 (ms) | e2e events/s | receiver MiB | worker MiB | stored after | lookup ms |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  const rows = phases.map((p) =>
    [
      KIND_LABEL[p.kind],
      load(p),
      p.sent,
      p.okPerSecond,
      p.newPerSecond,
      n(p.latency.p50),
      n(p.latency.p90),
      n(p.latency.p99),
      n(p.latency.max),
      p.errors,
      n(p.endToEnd?.latency.p50),
      n(p.endToEnd?.latency.p99),
      n(p.endToEnd?.completedPerSecond),
      p.kind === 'receiver' ? mb(p, 'receiver') : '–',
      p.kind === 'bare-koa' ? '–' : mb(p, 'worker'),
      n(p.store?.storedEvents),
      n(p.store?.lookupMs),
    ].join(' | '),
  );
  return [...head, ...rows.map((r) => `| ${r} |`)].join('\n');
}

export function cpuTable(phases: readonly PhaseResult[]): string {
  const rows = phases.map((p) => `| ${KIND_LABEL[p.kind]} | ${load(p)} | ${cpu(p)} |`);
  return ['| phase | load | CPU cores used (2 = the whole machine) |', '|---|---|---|', ...rows].join('\n');
}

function lostLine(r: BenchResults): string {
  const lost = r.phases.reduce((acc, p) => acc + (p.endToEnd?.statusLost ?? 0), 0);
  const events = r.phases.reduce((acc, p) => acc + (p.endToEnd?.events ?? 0), 0);
  return lost === 0
    ? 'Every accepted event reached a final status in MongoDB.'
    : `${lost} of ${events} accepted events finished in Temporal but kept an unfinished status in MongoDB (a lost update: ${r.machine.mongo} does not isolate concurrent updates of one document).`;
}

/** The burst phase as a provider sees it (acknowledgements), then how long processing took after. */
export function burstTable(b: BenchResults['burst']): string {
  if (!b) return 'Skipped (`--burst 0`).';
  return [
    '| events | c | acknowledged | 202 | 200 duplicate | 503 at first | errors | ack p50 | p90 | p99 | max ms | processed | last ack → all processed, ms | forwarded once | more than once |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    `| ${b.events} | ${b.concurrency} | ${b.acknowledged} | ${b.acknowledgedAccepted} | ${b.acknowledgedDuplicate} | ${b.retriedAfter503} | ${b.errors} | ${b.ack.p50} | ${b.ack.p90} | ${b.ack.p99} | ${b.ack.max} | ${b.processed} | ${b.lastAckToAllProcessedMs ?? 'not all'} | ${b.forwardedOnce} | ${b.forwardedMoreThanOnce} |`,
    '',
    '| the same burst to | ack p50 | p90 | p99 | max ms | answered in ms | errors |',
    '|---|--:|--:|--:|--:|--:|--:|',
    `| hookflow's receiver | ${b.ack.p50} | ${b.ack.p90} | ${b.ack.p99} | ${b.ack.max} | ${b.sendMs} | ${b.errors} |`,
    `| the bare Koa app, just before | ${b.bareKoa.ack.p50} | ${b.bareKoa.ack.p90} | ${b.bareKoa.ack.p99} | ${b.bareKoa.ack.max} | ${b.bareKoa.sendMs} | ${b.bareKoa.errors} |`,
    '',
    'Distinct signed Standard Webhooks events, all sent at once over `c` connections; each one routed to an HTTP handler forwarding it to a local destination that answers 204. ' +
      '"acknowledged": events answered 202, or 200 duplicate when sent again (an earlier try stored it but its answer was lost or came too late); ' +
      '"503 at first": refused by load shedding at the first try and sent again after its Retry-After, as a provider would (so is any event without an acknowledgement); ' +
      '"processed": runs closed in Temporal; "forwarded once": events the destination received exactly once. ' +
      'The bare Koa app (answers 200, does nothing) had the same deliveries just before, over as many new connections from the same load generator, with nothing else running: ' +
      'the acknowledgement times this machine gives an app with no work at all, the floor under the receiver\'s. "answered in": from the first request to the last answer.',
  ].join('\n');
}

function costCells(cost: ServerCost): string {
  const h = cost.historyEventsPerRun;
  return `${cost.temporalCpuMsPerEvent ?? '–'} | ${h ? `${h.mean} (${h.min}–${h.max}, ${h.sampled} sampled)` : '–'} | ${cpuByProcess(cost)}`;
}

/** Every measured process's CPU per run, and their sum: where the machine's cores went for each event. */
export function cpuByProcess(cost: ServerCost): string {
  const entries = Object.entries(cost.cpuMsPerEventByProcess).filter(([, ms]) => ms >= 0.05);
  if (entries.length === 0) return '–';
  const total = entries.reduce((sum, [, ms]) => sum + ms, 0);
  return `${round(total, 1)} (${entries.map(([name, ms]) => `${name} ${round(ms, 1)}`).join(' · ')})`;
}

/** hookflow's burst next to the Temporal server's own pace and cost for the same workflow shape. */
export function ceilingTable(b: BenchResults['burst'], c: BenchResults['ceiling']): string {
  if (!c) return 'Skipped (`--ceiling 0`).';
  const rows = [
    ...(b ? [`| hookflow (the burst) | ${b.events} | ${b.concurrency} | ${b.processed} | ${b.completedPerSecond} | ${costCells(b.cost)} |`] : []),
    ...(
      [
        ['bare shape, Temporal alone', c],
        ['bare shape, its activity on its own queue', c.ownActivityQueue],
        ["that, with hookflow's search attributes, summary, fairness key and status upsert", c.withFeatures],
      ] as const
    ).map(
      ([label, run]) => `| ${label} | ${run.runs} | ${run.concurrency} | ${run.completed} | ${run.completedPerSecond} | ${costCells(run.cost)} |`,
    ),
  ];
  return [
    '| | runs | c | completed | completed/s | Temporal CPU ms per event | history events per run | CPU ms per event, all processes |',
    '|---|--:|--:|--:|--:|--:|--:|---|',
    ...rows,
    '',
    'The bare shape is hookflow\'s workflow shape (local activity, activity, local activity) with no-op activities and no hookflow code, ' +
      'run by its own worker on its own task queue; its runs are started `c` at a time. completed/s: from the first request (start) to the last close. ' +
      'Its activity goes to the workflow\'s queue, where the server hands it to the worker eagerly; the second row sends it to a queue of its own, ' +
      'as hookflow sends each handler attempt to its handler\'s queue (flow control: rate limits, pause, breaker), which costs the server a task match per run. ' +
      'The third row starts each run as hookflow starts an event\'s run (its four search attributes, a summary and a fairness key) and upserts WebhookStatus before the last step, as hookflow\'s run does when it ends: ' +
      'what hookflow\'s features for the Temporal UI cost the server, apart from hookflow\'s code. ' +
      `Temporal CPU: the server process's CPU time over the phase ÷ completed runs (– when the server is external); the last column does the same for every process the bench measures ` +
      '(the bench process, which sends the burst and starts the bare runs, included; during the bare phases hookflow\'s own receiver and worker idle). ' +
      `Start errors: ${c.errors}; closed otherwise: ${c.closedOtherwise}.`,
  ].join('\n');
}

/** Ordering off, over many keys, of one key: the same events, the same handler. */
export function orderingTable(o: BenchResults['ordering']): string {
  if (!o) return 'Skipped (`--ordering 0`).';
  const rows = o.rows.map((r) => {
    const share = shareOfUnordered(o, r);
    const keys = r.keys === 'off' ? 'off' : r.keys === 1 ? 'on, one hot key' : `on, ${r.keys} keys`;
    return `| ${keys} | ${r.events} | ${r.completed} | ${r.completedPerSecond} | ${share ?? '–'} | ${n(r.e2e.p50)} | ${n(r.e2e.p99)} |`;
  });
  return [
    '| ordering | events | completed | completed/s | × off | e2e p50 | e2e p99 (ms) |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    `The same distinct Standard Webhooks events, sent over ${o.concurrency} connections to one source whose routes forward them, through an HTTP handler, to a local destination answering 204: ` +
      'unordered, ordered by a key (the default 2 s reorder window) spread over many keys, and all of one key. ' +
      'completed/s: from the first request to the last close of an event\'s run (the keys\' sequencer workflows are not counted).',
  ].join('\n');
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const ratioRows = r.ratios.map((x) => `| c=${x.concurrency} | ${x.throughput} | ${x.p99} |`);
  const targetRows = r.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.pass ? 'pass' : '**fail**'} |`);
  return [
    `# hookflow benchmark, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Command: \`${r.command}\``,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}; Temporal ${m.temporal}; ${m.mongo}. ` +
      `Load average at start: ${m.loadAverageAtStart.map((v) => v.toFixed(2)).join(', ')}. ` +
      'The load generator, the receiver, the worker and both servers share these cores.',
    '',
    `Settings: ${Object.entries(r.settings).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join('; ')}.`,
    '',
    '## Phases',
    '',
    phaseTable(r.phases),
    '',
    'answers/s counts every 2xx (202 new, 200 duplicate); for the floor, operations without error. ' +
      'e2e: from the moment the sender had its 202 to the close of the event\'s run in Temporal (negative when the run closed first). ' +
      'MiB: the highest resident memory sampled during the phase. ' +
      'Each phase starts with an empty events collection; "stored after" is its size at the end, and "lookup ms" what one `findOne({_id})` cost then.',
    '',
    lostLine(r),
    '',
    '## Burst',
    '',
    burstTable(r.burst),
    '',
    '## The Temporal server\'s ceiling for the same shape',
    '',
    ceilingTable(r.burst, r.ceiling),
    '',
    '## What ordering costs',
    '',
    orderingTable(r.ordering),
    '',
    '## Receiver against the floor (a)',
    '',
    '| level | throughput ÷ floor | p99 ÷ floor p99 |',
    '|---|--:|--:|',
    ...ratioRows,
    '',
    '## Targets',
    '',
    '| target | measured | |',
    '|---|---|---|',
    ...targetRows,
    '',
    '## CPU by process',
    '',
    cpuTable(r.phases),
    '',
  ].join('\n');
}

/** `npm run bench [-- options]`: what one run measures. Two presets; each figure can be overridden. */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEMPORAL_PROFILES, type TemporalProfile } from '../dev/embedded/config';
import { repoRoot } from '../src/config/paths';

/** The parts of a run `--phases` can select; all by default. */
export const BENCH_PHASES = ['levels', 'open', 'stored', 'ceiling', 'burst', 'ordering'] as const;
export type BenchPhase = (typeof BENCH_PHASES)[number];

export interface BenchOptions {
  readonly smoke: boolean;
  /** Which parts run: the closed-loop levels, the open loop, the pre-filled store, the ceiling, the burst, ordering's cost. */
  readonly phases: ReadonlySet<BenchPhase>;
  /** Which embedded Temporal: the dev server, or the cluster profile (the full server on PostgreSQL, over mTLS). */
  readonly temporal: TemporalProfile;
  /** Closed-loop levels: concurrent connections (the floor uses as many concurrent loops). */
  readonly concurrencies: readonly number[];
  /** Deliveries per closed-loop level (duplicates included). */
  readonly count: number;
  /** A closed-loop level stops here even if not every delivery was sent. */
  readonly maxSeconds: number;
  /** Open-loop rates, as fractions of the highest receiver rate the closed-loop levels reached. */
  readonly openLoopFractions: readonly number[];
  readonly openLoopSeconds: number;
  readonly duplicateShare: number;
  readonly bodyBytes: number;
  /** Deliveries sent before the first level, not reported (JIT, connection pools). */
  readonly warmup: number;
  /** Events stored before one more receiver phase at c=4, to show how the store's size matters; 0 skips it. */
  readonly stored: number;
  /** Distinct events of the burst phase (each forwarded to a local destination); 0 skips it. */
  readonly burstEvents: number;
  /** Connections the burst is sent over at once. */
  readonly burstConcurrency: number;
  /** Runs of the ceiling phase (the bare shape on Temporal alone); the burst's count unless given; 0 skips it. */
  readonly ceilingRuns: number;
  /** Starts in flight at once in the ceiling phase; the burst's concurrency unless given. */
  readonly ceilingConcurrency: number;
  /** Events of each mode of the ordering phase (off, many keys, one hot key); 0 skips it. */
  readonly orderingEvents: number;
  /** Connections the ordering phase sends over. */
  readonly orderingConcurrency: number;
  /** The receiver's RELAY_INTERVAL_MS; undefined keeps its default. */
  readonly relayIntervalMs: number | undefined;
  /** How long to wait after a level for the worker to finish its events. */
  readonly drainSeconds: number;
  /** Where results.json, results.md and chart.svg go. */
  readonly outDir: string;
  /** The receiver's and worker's LOG_LEVEL. */
  readonly logLevel: string;
  /** Run the receiver, the worker and the bare shape's worker under `node --cpu-prof`, writing profiles here. */
  readonly cpuProfDir: string | undefined;
  /** Leave the run's database in place for inspection (it is dropped by default). */
  readonly keepDb: boolean;
}

/** What the presets leave to the command line, or to other options (the ceiling follows the burst). */
type Preset = Omit<BenchOptions, 'outDir' | 'cpuProfDir' | 'keepDb' | 'ceilingRuns' | 'ceilingConcurrency' | 'phases' | 'temporal'>;

const full: Preset = {
  smoke: false,
  concurrencies: [1, 4, 16, 32],
  count: 1500,
  maxSeconds: 15,
  openLoopFractions: [0.5],
  openLoopSeconds: 60,
  duplicateShare: 0.1,
  bodyBytes: 1024,
  warmup: 100,
  stored: 2000,
  burstEvents: 1000,
  burstConcurrency: 200,
  orderingEvents: 400,
  orderingConcurrency: 16,
  relayIntervalMs: undefined,
  drainSeconds: 90,
  logLevel: 'info',
};

const smoke: Preset = {
  ...full,
  smoke: true,
  concurrencies: [4],
  count: 40,
  maxSeconds: 10,
  openLoopSeconds: 3,
  warmup: 10,
  stored: 30,
  burstEvents: 60,
  burstConcurrency: 20,
  orderingEvents: 20,
  orderingConcurrency: 8,
  drainSeconds: 60,
};

export const USAGE = `usage: node dist/bench/main.js [--smoke] [--temporal dev|cluster] [--out DIR] [--concurrency 1,4,16] [--count N]
  [--max-seconds S] [--open-loop 0.5,0.8] [--open-seconds S] [--duplicates 0.1] [--body-bytes N]
  [--warmup N] [--stored N] [--burst N] [--burst-concurrency C] [--ceiling N] [--ceiling-concurrency C]
  [--ordering N] [--ordering-concurrency C] [--phases ${BENCH_PHASES.join(',')}] [--relay-interval-ms MS] [--drain-seconds S] [--log-level info] [--cpu-prof DIR] [--keep-db]`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const args = [...argv];
  const isSmoke = args.includes('--smoke');
  const temporal = temporalProfile(args);
  // A smoke run must never overwrite the committed results; the cluster profile's go beside the dev server's.
  const results = temporal === 'cluster' ? 'bench/results/cluster' : 'bench/results';
  const outDir = isSmoke ? join(tmpdir(), `hookflow-bench-smoke${temporal === 'cluster' ? '-cluster' : ''}`) : resolve(repoRoot(), results);
  let opts: Preset & Pick<BenchOptions, 'outDir' | 'cpuProfDir' | 'keepDb' | 'phases' | 'temporal'> = {
    ...(isSmoke ? smoke : full),
    temporal,
    outDir,
    cpuProfDir: undefined,
    keepDb: args.includes('--keep-db'),
    phases: new Set(BENCH_PHASES),
  };
  let ceilingRuns: number | undefined;
  let ceilingConcurrency: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--smoke' || flag === '--keep-db') continue;
    const value = args[++i];
    if (value === undefined) throw new TypeError(`bench: ${flag} needs a value\n${USAGE}`);
    switch (flag) {
      case '--temporal': break; // read above: it decides the default --out
      case '--out': opts = { ...opts, outDir: resolve(value) }; break;
      case '--concurrency': opts = { ...opts, concurrencies: numbers(flag, value) }; break;
      case '--count': opts = { ...opts, count: number(flag, value) }; break;
      case '--max-seconds': opts = { ...opts, maxSeconds: number(flag, value) }; break;
      case '--open-loop': opts = { ...opts, openLoopFractions: numbers(flag, value) }; break;
      case '--open-seconds': opts = { ...opts, openLoopSeconds: number(flag, value) }; break;
      case '--duplicates': opts = { ...opts, duplicateShare: share(flag, value) }; break;
      case '--body-bytes': opts = { ...opts, bodyBytes: number(flag, value) }; break;
      case '--warmup': opts = { ...opts, warmup: number(flag, value) }; break;
      case '--stored': opts = { ...opts, stored: Number(value) > 0 ? number(flag, value) : 0 }; break;
      case '--burst': opts = { ...opts, burstEvents: Number(value) > 0 ? number(flag, value) : 0 }; break;
      case '--burst-concurrency': opts = { ...opts, burstConcurrency: number(flag, value) }; break;
      case '--ceiling': ceilingRuns = Number(value) > 0 ? number(flag, value) : 0; break;
      case '--ceiling-concurrency': ceilingConcurrency = number(flag, value); break;
      case '--ordering': opts = { ...opts, orderingEvents: Number(value) > 0 ? number(flag, value) : 0 }; break;
      case '--ordering-concurrency': opts = { ...opts, orderingConcurrency: number(flag, value) }; break;
      case '--phases': opts = { ...opts, phases: phases(value) }; break;
      case '--relay-interval-ms': opts = { ...opts, relayIntervalMs: number(flag, value) }; break;
      case '--drain-seconds': opts = { ...opts, drainSeconds: number(flag, value) }; break;
      case '--log-level': opts = { ...opts, logLevel: value }; break;
      case '--cpu-prof': opts = { ...opts, cpuProfDir: resolve(value) }; break;
      default: throw new TypeError(`bench: unknown option ${flag}\n${USAGE}`);
    }
  }
  return { ...opts, ceilingRuns: ceilingRuns ?? opts.burstEvents, ceilingConcurrency: ceilingConcurrency ?? opts.burstConcurrency };
}

function temporalProfile(args: readonly string[]): TemporalProfile {
  const at = args.indexOf('--temporal');
  if (at < 0) return 'dev';
  const value = args[at + 1];
  const profile = TEMPORAL_PROFILES.find((p) => p === value);
  if (profile === undefined) throw new TypeError(`bench: --temporal must be one of ${TEMPORAL_PROFILES.join(', ')} (got "${value ?? ''}")\n${USAGE}`);
  return profile;
}

function number(flag: string | undefined, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new TypeError(`bench: ${flag} must be a positive number (got "${value}")`);
  return n;
}

function numbers(flag: string | undefined, value: string): number[] {
  return value.split(',').map((v) => number(flag, v.trim()));
}

function phases(value: string): Set<BenchPhase> {
  const names = value.split(',').map((v) => v.trim());
  const known: readonly string[] = BENCH_PHASES;
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new TypeError(`bench: --phases takes some of ${BENCH_PHASES.join(', ')} (got "${unknown.join(', ')}")`);
  return new Set(BENCH_PHASES.filter((phase) => names.includes(phase)));
}

function share(flag: string | undefined, value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new TypeError(`bench: ${flag} must be from 0 to below 1 (got "${value}")`);
  return n;
}

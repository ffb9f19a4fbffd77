/**
 * What a phase cost the Temporal server: its CPU per completed run (from /proc/<pid>/stat, so only
 * when the bench knows the server's process: the embedded dev server) and the history events per run
 * (from a sample of the phase's runs). Reported for the burst and for the bare shape, side by side,
 * with every measured process's CPU per run: where the two cores went.
 */
import type { Client } from '@temporalio/client';
import { cpuSeconds } from './proc-stats';
import { round } from './stats';

export interface ServerCost {
  /** Milliseconds of the Temporal server's CPU over the phase per completed run; null when its process is unknown. */
  readonly temporalCpuMsPerEvent: number | null;
  /** Milliseconds of CPU per completed run of each process the bench measured (temporal, mongo, receiver, worker, bench...). */
  readonly cpuMsPerEventByProcess: Readonly<Record<string, number>>;
  /** History length over a sample of the phase's closed runs; null when none closed. */
  readonly historyEventsPerRun: { readonly sampled: number; readonly mean: number; readonly min: number; readonly max: number } | null;
}

/** Runs whose history is fetched: enough to see a run that retried, few enough to stay out of the way. */
const HISTORY_SAMPLE = 20;

/** CPU milliseconds of named processes from construction on; a process unknown or gone is left out. */
export class PhaseCpu {
  private readonly atStart = new Map<string, number>();

  constructor(private readonly pids: ReadonlyMap<string, number>) {
    for (const [name, pid] of pids) {
      const cpu = cpuSeconds(pid);
      if (cpu !== undefined) this.atStart.set(name, cpu);
    }
  }

  /** CPU milliseconds each process used since construction. */
  elapsedMs(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, before] of this.atStart) {
      const pid = this.pids.get(name);
      const now = pid === undefined ? undefined : cpuSeconds(pid);
      if (now !== undefined) out.set(name, (now - before) * 1000);
    }
    return out;
  }
}

/** The CPU each process used over the phase shared by its `completed` runs (the Temporal server's is `temporal`); history lengths from a spread sample of `closedIds`. */
export async function serverCost(temporal: Client, cpuMs: ReadonlyMap<string, number>, completed: number, closedIds: readonly string[]): Promise<ServerCost> {
  const perEvent = (ms: number): number => round(ms / completed);
  const temporalMs = cpuMs.get('temporal');
  const step = Math.max(1, Math.floor(closedIds.length / HISTORY_SAMPLE));
  const sample = closedIds.filter((_, i) => i % step === 0).slice(0, HISTORY_SAMPLE);
  const lengths = await Promise.all(sample.map(async (id) => (await temporal.workflow.getHandle(id).describe()).historyLength));
  return {
    temporalCpuMsPerEvent: temporalMs === undefined || completed === 0 ? null : perEvent(temporalMs),
    cpuMsPerEventByProcess: completed === 0 ? {} : Object.fromEntries([...cpuMs].map(([name, ms]) => [name, perEvent(ms)])),
    historyEventsPerRun:
      lengths.length === 0
        ? null
        : { sampled: lengths.length, mean: round(lengths.reduce((a, n) => a + n, 0) / lengths.length), min: Math.min(...lengths), max: Math.max(...lengths) },
  };
}

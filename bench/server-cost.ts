/**
 * What a phase cost the Temporal server: its CPU per completed run (from /proc/<pid>/stat, so only
 * when the bench knows the server's process: the embedded dev server) and the history events per run
 * (from a sample of the phase's runs). Reported for the burst and for the bare shape, side by side.
 */
import type { Client } from '@temporalio/client';
import { cpuSeconds } from './proc-stats';
import { round } from './stats';

export interface ServerCost {
  /** Milliseconds of the Temporal server's CPU over the phase per completed run; null when its process is unknown. */
  readonly temporalCpuMsPerEvent: number | null;
  /** History length over a sample of the phase's closed runs; null when none closed. */
  readonly historyEventsPerRun: { readonly sampled: number; readonly mean: number; readonly min: number; readonly max: number } | null;
}

/** Runs whose history is fetched: enough to see a run that retried, few enough to stay out of the way. */
const HISTORY_SAMPLE = 20;

/** The Temporal server's CPU seconds from `start()` on; undefined throughout when `pid` is unknown or gone. */
export class ServerCpu {
  private readonly atStart: number | undefined;

  constructor(private readonly pid: number | undefined) {
    this.atStart = pid === undefined ? undefined : cpuSeconds(pid);
  }

  /** CPU milliseconds used since construction. */
  elapsedMs(): number | undefined {
    const now = this.pid === undefined ? undefined : cpuSeconds(this.pid);
    return this.atStart === undefined || now === undefined ? undefined : (now - this.atStart) * 1000;
  }
}

/** `cpuMs` over the phase shared by its `completed` runs; history lengths from a spread sample of `closedIds`. */
export async function serverCost(temporal: Client, cpuMs: number | undefined, completed: number, closedIds: readonly string[]): Promise<ServerCost> {
  const step = Math.max(1, Math.floor(closedIds.length / HISTORY_SAMPLE));
  const sample = closedIds.filter((_, i) => i % step === 0).slice(0, HISTORY_SAMPLE);
  const lengths = await Promise.all(sample.map(async (id) => (await temporal.workflow.getHandle(id).describe()).historyLength));
  return {
    temporalCpuMsPerEvent: cpuMs === undefined || completed === 0 ? null : round(cpuMs / completed),
    historyEventsPerRun:
      lengths.length === 0
        ? null
        : { sampled: lengths.length, mean: round(lengths.reduce((a, n) => a + n, 0) / lengths.length), min: Math.min(...lengths), max: Math.max(...lengths) },
  };
}

/**
 * Memory and CPU of processes on this machine, from /proc (Linux). A process that has exited, or a
 * platform without /proc, reads as undefined: the figures are then reported as missing, not zero.
 */
import { readFileSync } from 'node:fs';

/** `VmRSS` (now) or `VmHWM` (the peak since start) in MiB. */
export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second for /proc/<pid>/stat; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples the resident memory of named processes every `intervalMs`, keeping each one's peak, and
 * their CPU time at start and stop: one instance per measured phase.
 */
export class ProcessSampler {
  private readonly peaks = new Map<string, number>();
  private readonly cpuAtStart = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;

  constructor(
    private readonly pids: ReadonlyMap<string, number>,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    for (const [name, pid] of this.pids) {
      const cpu = cpuSeconds(pid);
      if (cpu !== undefined) this.cpuAtStart.set(name, cpu);
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Peak RSS (MiB) and CPU use (cores: CPU seconds per wall second) of each process over the phase. */
  stop(): Record<string, { peakRssMb: number | null; cpuCores: number | null }> {
    clearInterval(this.timer);
    this.sample();
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const out: Record<string, { peakRssMb: number | null; cpuCores: number | null }> = {};
    for (const [name, pid] of this.pids) {
      const before = this.cpuAtStart.get(name);
      const after = cpuSeconds(pid);
      const cpu = before === undefined || after === undefined || wallSeconds <= 0 ? null : (after - before) / wallSeconds;
      out[name] = { peakRssMb: this.peaks.get(name) ?? null, cpuCores: cpu };
    }
    return out;
  }

  private sample(): void {
    for (const [name, pid] of this.pids) {
      const rss = memoryMb(pid, 'VmRSS');
      if (rss !== undefined && rss > (this.peaks.get(name) ?? 0)) this.peaks.set(name, rss);
    }
  }
}

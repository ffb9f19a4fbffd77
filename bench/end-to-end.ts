/**
 * End-to-end figures: from the moment the sender had its 202 to the moment Temporal closed the
 * event's run. Close times come from Temporal itself, not from the event's status in MongoDB:
 * on FerretDB two concurrent updates of one event can lose one (see statusLost).
 */
import type { Client } from '@temporalio/client';
import type { EventStatus } from '../src/event/status';
import type { EventStore } from '../src/store/events';
import type { Accepted } from './load-result';
import { round, summarize, type LatencySummary } from './stats';

/** The runs one phase started: on the bench's task queue, from the phase's start on. */
export interface RunWindow {
  readonly taskQueue: string;
  readonly from: Date;
  /** Only runs of this workflow type (other workflows share the task queue: ordering's sequencers). */
  readonly workflowType?: string;
}

function query(w: RunWindow, extra: string): string {
  const type = w.workflowType === undefined ? '' : ` AND WorkflowType = "${w.workflowType}"`;
  return `TaskQueue = "${w.taskQueue}" AND StartTime >= "${w.from.toISOString()}"${type} AND ${extra}`;
}

const CLOSED = 'ExecutionStatus != "Running"';

export interface Completion {
  readonly waitedMs: number;
  /** Runs expected but not closed when the wait ended. */
  readonly unfinished: number;
}

/**
 * How often a wait counts the closed runs. Each count is work for the server that the phase's CPU
 * figure charges to the runs (a count reads the visibility store, a table of every run so far): a
 * phase that lasts longer would pay for more of them. Rates come from `closeTime`, not from when
 * the wait noticed.
 */
const WAIT_POLL_MS = 2000;

/** Waits until `expected` runs of the window are closed (visibility is eventually consistent: polled). */
export async function waitForRuns(temporal: Client, w: RunWindow, expected: number, timeoutMs: number): Promise<Completion> {
  const started = performance.now();
  for (;;) {
    const { count } = await temporal.workflow.count(query(w, CLOSED));
    const waitedMs = round(performance.now() - started, 0);
    if (count >= expected || waitedMs > timeoutMs) return { waitedMs, unfinished: Math.max(0, expected - count) };
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

/** Runs of the window that closed as completed (not failed, timed out or terminated). */
export async function completedRuns(temporal: Client, w: RunWindow): Promise<number> {
  return (await temporal.workflow.count(query(w, 'ExecutionStatus = "Completed"'))).count;
}

export interface BacklogPoint {
  /** Seconds since the phase started. */
  readonly t: number;
  /** Acknowledged and not yet completed. */
  readonly backlog: number;
}

export interface EndToEnd {
  readonly events: number;
  readonly completed: number;
  /** 202 received by the sender to run closed, ms. Negative when the run finished before the answer arrived. */
  readonly latency: LatencySummary;
  /** Completed runs per second, from the phase's start to the last close. */
  readonly completedPerSecond: number;
  readonly backlog: BacklogPoint[];
}

/** When each closed run of the window closed (ms since the epoch), by workflow ID. */
export async function closeTimes(temporal: Client, w: RunWindow): Promise<Map<string, number>> {
  const closedAt = new Map<string, number>();
  // Pages of 200: a page of 1,000 runs (the server's default) failed on the cluster profile's SQL visibility.
  for await (const run of temporal.workflow.list({ query: query(w, CLOSED), pageSize: 200 })) {
    if (run.closeTime) closedAt.set(run.workflowId, run.closeTime.getTime());
  }
  return closedAt;
}

export async function endToEnd(temporal: Client, w: RunWindow, accepted: readonly Accepted[]): Promise<EndToEnd> {
  const closedAt = await closeTimes(temporal, w);
  const latencies: number[] = [];
  const dones: number[] = [];
  for (const a of accepted) {
    const done = closedAt.get(a.workflowId);
    if (done === undefined) continue;
    dones.push(done);
    latencies.push(done - a.at);
  }
  const from = w.from.getTime();
  const last = dones.reduce((max, t) => Math.max(max, t), from);
  const spanSeconds = (last - from) / 1000;
  return {
    events: accepted.length,
    completed: dones.length,
    latency: summarize(latencies),
    completedPerSecond: spanSeconds > 0 ? round(dones.length / spanSeconds) : 0,
    backlog: backlogSeries(from, accepted.map((a) => a.at), dones),
  };
}

/** Acknowledged-but-unfinished events once a second from `from` until the last one finished. */
function backlogSeries(from: number, acks: number[], dones: number[]): BacklogPoint[] {
  const a = [...acks].sort((x, y) => x - y);
  const d = [...dones].sort((x, y) => x - y);
  const end = Math.max(a[a.length - 1] ?? from, d[d.length - 1] ?? from);
  const points: BacklogPoint[] = [];
  let ia = 0;
  let id = 0;
  for (let t = from; t <= end + 1000; t += 1000) {
    while (ia < a.length && (a[ia] ?? Infinity) <= t) ia++;
    while (id < d.length && (d[id] ?? Infinity) <= t) id++;
    points.push({ t: (t - from) / 1000, backlog: ia - id });
  }
  return points;
}

const FINAL: readonly EventStatus[] = ['processed', 'ignored', 'failed', 'discarded'];

/**
 * Events of the window whose MongoDB status is not final although every run has closed: on a
 * server that does not isolate single-document updates (FerretDB), two writes of the event can
 * overwrite each other (the receiver no longer writes it after the insert; kept as a check).
 */
export async function statusLost(store: EventStore, from: Date, sources: readonly string[]): Promise<number> {
  return store.collection.countDocuments({ receivedAt: { $gte: from }, source: { $in: [...sources] }, status: { $nin: [...FINAL] } });
}

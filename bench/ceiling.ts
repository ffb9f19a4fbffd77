/**
 * The ceiling phase: the Temporal server's own pace for a workflow of hookflow's shape with no
 * hookflow code (shape-workflow.ts, run by its own worker process on its own task queue). As many
 * runs as the burst has events are started `concurrency` at a time, like the burst's deliveries;
 * their completions per second, and what they cost the server, are what hookflow's burst is held to.
 */
import { join } from 'node:path';
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import { jsonLine, startChild } from './children';
import { closeTimes, completedRuns, waitForRuns } from './end-to-end';
import { PhaseCpu, serverCost, type ServerCost } from './server-cost';
import { round } from './stats';
import { shapeActivityQueue } from './shape-activities';
import type { benchShapeWorkflow, ShapeOptions } from './shape-workflow';
import { WebhookEventType, WebhookProvider, WebhookSource, WebhookStatus } from '../src/temporal/search-attributes';

export interface CeilingPlan {
  readonly runs: number;
  /** Starts in flight at once. */
  readonly concurrency: number;
  readonly temporal: Client;
  /** The shape's own task queue. */
  readonly taskQueue: string;
  /** Makes workflow IDs unique to one run. */
  readonly prefix: string;
  /** For the shape worker (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE). */
  readonly env: NodeJS.ProcessEnv;
  /** The worker's node flags (the image's, and --cpu-prof when asked), so both workers run alike. */
  readonly nodeArgs: readonly string[];
  readonly workDir: string;
  /** The processes whose CPU the phase reports per run, by name (the Temporal server's as `temporal`); the shape worker is added as `shape worker`. */
  readonly pids: ReadonlyMap<string, number>;
  readonly drainSeconds: number;
}

/** One measured set of bare-shape runs. */
export interface CeilingRun {
  readonly runs: number;
  readonly concurrency: number;
  /** Starts the server accepted. */
  readonly started: number;
  /** Starts refused or failed. */
  readonly errors: number;
  /** Runs closed as completed. */
  readonly completed: number;
  /** Runs closed otherwise (failed, timed out, terminated). */
  readonly closedOtherwise: number;
  /** Completed runs per second, from the first start to the last close (as the burst's completedPerSecond). */
  readonly completedPerSecond: number;
  readonly cost: ServerCost;
  readonly firstError?: string;
}

/**
 * The bare shape with its activity on the workflow's queue (dispatched eagerly: the figure the burst
 * is held to); the same shape with its activity on a queue of its own, as hookflow's handler
 * queues (issue 14's flow control) send every handler attempt: that costs the server a task match,
 * a poll answer and a start record per run, and is hookflow's shape as it is; and that again with
 * what hookflow asks of the server for the Temporal UI (its four search attributes, a summary and a
 * fairness key at the start, the status upsert at the end): the server's work for hookflow's
 * features, apart from hookflow's code.
 */
export interface CeilingResult extends CeilingRun {
  readonly ownActivityQueue: CeilingRun;
  readonly withFeatures: CeilingRun;
}

/** A bare run started as hookflow starts an event's run (start-event.ts), with made-up values of the same sizes. */
function featuresOf(workflowId: string): Pick<WorkflowStartOptions, 'typedSearchAttributes' | 'staticSummary' | 'priority'> {
  return {
    typedSearchAttributes: [
      { key: WebhookSource, value: 'bench-burst' },
      { key: WebhookProvider, value: 'standard-webhooks' },
      { key: WebhookEventType, value: 'burst.event' },
      { key: WebhookStatus, value: 'processing' },
    ],
    staticSummary: `bench-burst burst.event ${workflowId}`,
    priority: { fairnessKey: 'bench-burst' },
  };
}

export async function runCeiling(plan: CeilingPlan): Promise<CeilingResult> {
  const worker = startChild({
    name: 'shape worker',
    script: join(__dirname, 'shape-worker-main.js'),
    args: [plan.taskQueue],
    nodeArgs: plan.nodeArgs,
    env: plan.env,
    logFile: join(plan.workDir, 'shape-worker.log'),
  });
  try {
    await worker.waitFor((line) => (jsonLine(line)?.ready === true ? true : undefined), 300_000);
    const pids = new Map([...plan.pids, ['shape worker', worker.pid]]);
    const sameQueue = await measure(plan, pids);
    const activityQueue = shapeActivityQueue(plan.taskQueue);
    const ownActivityQueue = await measure({ ...plan, prefix: `${plan.prefix}-own-queue` }, pids, { activityQueue });
    const withFeatures = await measure({ ...plan, prefix: `${plan.prefix}-features` }, pids, { activityQueue, upsertStatus: true }, true);
    return { ...sameQueue, ownActivityQueue, withFeatures };
  } finally {
    await worker.stop();
  }
}

async function measure(plan: CeilingPlan, pids: ReadonlyMap<string, number>, options: ShapeOptions = {}, features = false): Promise<CeilingRun> {
  const ids = Array.from({ length: plan.runs }, (_, n) => `${plan.prefix}-${n}`);
  const started: string[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const from = new Date();
  const cpu = new PhaseCpu(pids);
  const starter = async (): Promise<void> => {
    for (let id = ids[next++]; id !== undefined; id = ids[next++]) {
      try {
        await plan.temporal.workflow.start<typeof benchShapeWorkflow>('benchShapeWorkflow', {
          taskQueue: plan.taskQueue,
          workflowId: id,
          args: [options],
          ...(features ? featuresOf(id) : {}),
        });
        started.push(id);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, ids.length) }, starter));
  const window = { taskQueue: plan.taskQueue, from };
  await waitForRuns(plan.temporal, window, started.length, plan.drainSeconds * 1000);
  const cpuMs = cpu.elapsedMs();
  const closedAt = await closeTimes(plan.temporal, window);
  const completed = await completedRuns(plan.temporal, window);
  const lastClose = [...closedAt.values()].reduce((max, t) => Math.max(max, t), from.getTime());
  const spanSeconds = (lastClose - from.getTime()) / 1000;
  const closedIds = started.filter((id) => closedAt.has(id));
  return {
    runs: ids.length,
    concurrency: plan.concurrency,
    started: started.length,
    errors,
    completed,
    closedOtherwise: closedAt.size - completed,
    completedPerSecond: spanSeconds > 0 ? round(completed / spanSeconds) : 0,
    cost: await serverCost(plan.temporal, cpuMs, completed, closedIds),
    ...(firstError ? { firstError } : {}),
  };
}

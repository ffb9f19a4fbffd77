import { setTimeout as sleep } from 'node:timers/promises';
import { findEventIds, type EventQuery } from '../store/event-queries';
import { isUnavailable } from '../store/mongo';
import { processWebhookEvent } from '../../workflows';
import { OpsError, temporalCall, type OpsContext } from './context';

/** Which events a bulk operation covers: stored events by filter, or runs by a Temporal visibility query. */
export type TargetSpec =
  | { readonly events: EventQuery; readonly limit: number }
  | { readonly visibilityQuery: string; readonly limit: number };

/** Listing may page through many runs: it gets several times the usual deadline. */
const LIST_DEADLINE_FACTOR = 6;

/**
 * The event IDs a bulk operation will touch, each once. A visibility query is narrowed to hookflow's
 * workflow type; a reset leaves several runs under one workflow ID, hence the de-duplication.
 * `limit` 0 means no limit.
 */
export async function findTargets(ctx: OpsContext, spec: TargetSpec): Promise<string[]> {
  if ('events' in spec) return findEventIds(ctx.store.collection, spec.events, spec.limit);
  const query = `(${spec.visibilityQuery}) AND WorkflowType = '${processWebhookEvent.name}'`;
  const listing = { ...ctx, timeoutMs: ctx.timeoutMs * LIST_DEADLINE_FACTOR };
  return temporalCall(listing, async () => {
    const ids = new Set<string>();
    for await (const run of ctx.temporal.workflow.list({ query })) {
      ids.add(run.workflowId);
      if (spec.limit > 0 && ids.size >= spec.limit) break;
    }
    return [...ids];
  });
}

export interface BulkOptions {
  /** Operations started per second, at most. */
  readonly rate: number;
  /** Operations in flight at once. */
  readonly concurrency?: number;
  /** Called after each operation, succeeded or failed. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BulkFailure {
  readonly id: string;
  readonly error: string;
}

export interface BulkSummary {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: readonly BulkFailure[];
  /** Left alone after a server stopped answering: trying them would only fail slowly too. */
  readonly notAttempted: readonly string[];
}

/**
 * Runs `op` on every ID, starting no more than `rate` per second, and reports what succeeded and
 * what failed (and why) instead of stopping at the first failure. Stops early only when MongoDB or
 * Temporal stops answering.
 */
export async function runBulk(ids: readonly string[], op: (id: string) => Promise<unknown>, opts: BulkOptions): Promise<BulkSummary> {
  const intervalMs = 1000 / opts.rate;
  let nextStartAt = Date.now();
  let nextIndex = 0;
  let done = 0;
  let succeeded = 0;
  let unreachable = false;
  const failed: BulkFailure[] = [];
  const notAttempted: string[] = [];

  const lane = async (): Promise<void> => {
    for (let i = nextIndex++; i < ids.length; i = nextIndex++) {
      const id = ids[i] ?? '';
      if (unreachable) {
        notAttempted.push(id);
        continue;
      }
      // Each start reserves the next slot, so lanes together keep to the rate.
      const startAt = Math.max(nextStartAt, Date.now());
      nextStartAt = startAt + intervalMs;
      await sleep(startAt - Date.now());
      try {
        await op(id);
        succeeded++;
      } catch (err) {
        failed.push({ id, error: describe(err) });
        if (isUnreachable(err)) unreachable = true;
      }
      opts.onProgress?.(++done, ids.length);
    }
  };
  const lanes = Math.max(1, Math.min(opts.concurrency ?? 4, ids.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return { total: ids.length, succeeded, failed, notAttempted };
}

function isUnreachable(err: unknown): boolean {
  return (err instanceof OpsError && err.reason === 'unavailable') || isUnavailable(err);
}

function describe(err: unknown): string {
  if (err instanceof OpsError) return err.message;
  if (isUnavailable(err)) return 'MongoDB did not answer';
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

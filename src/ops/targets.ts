import { findEventIds, type EventQuery } from '../store/event-queries';
import { processWebhookEvent } from '../../workflows';
import type { OpsContext } from './context';
import { temporalCall } from './temporal-call';

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

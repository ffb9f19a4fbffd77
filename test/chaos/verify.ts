import type { Client } from '@temporalio/client';
import type { EventStore } from '../../src/store/events';
import { WebhookStatus } from '../../src/temporal/search-attributes';
import type { SentEvent } from './sender';
import type { IdempotentSink } from './sink';

export interface ChaosContext {
  readonly source: string;
  readonly handler: string;
  readonly taskQueue: string;
  readonly store: EventStore;
  readonly temporal: Client;
  readonly sink: IdempotentSink;
}

/** What became of each sent event, seen from the store, Temporal and the destination. */
export interface Outcome {
  readonly event: SentEvent;
  readonly documents: number;
  readonly status: string | undefined;
  readonly runs: number;
  /** Runs that completed with the event processed (their WebhookStatus search attribute). */
  readonly completedRuns: number;
  readonly effectApplied: boolean;
  readonly effectBodyMatches: boolean;
}

export interface Verdict {
  readonly outcomes: readonly Outcome[];
  /** Events (acknowledged, or stored anyway) processed exactly once end to end. */
  readonly processed: number;
  /** Acknowledged events not processed exactly once, with the reason. */
  readonly lost: readonly { readonly id: string; readonly why: string }[];
  /** Events stored but never acknowledged (the sender gave up) that are not processed exactly once (yet). */
  readonly unfinishedUnacknowledged: readonly { readonly id: string; readonly why: string }[];
  /** Stored events the sender never sent (must be none). */
  readonly unknownDocuments: number;
  /**
   * Events processed exactly once whose stored status does not say `processed`. FerretDB 1.24 does
   * not isolate concurrent updates of one document, so a status write can be lost; reported, as it
   * is bookkeeping, not processing.
   */
  readonly storedStatusMismatches: number;
}

export function workflowIdOf(ctx: ChaosContext, event: SentEvent): string {
  return `${ctx.source}:${event.id}`;
}

export function idempotencyKeyOf(ctx: ChaosContext, event: SentEvent): string {
  return `${workflowIdOf(ctx, event)}:${ctx.handler}`;
}

/** Documents per event ID and their status, read in one pass. */
async function documents(ctx: ChaosContext): Promise<Map<string, { count: number; status: string }>> {
  const found = new Map<string, { count: number; status: string }>();
  const cursor = ctx.store.collection.find({ source: ctx.source }, { projection: { eventId: 1, status: 1 } });
  for await (const doc of cursor) {
    const seen = found.get(doc.eventId);
    found.set(doc.eventId, { count: (seen?.count ?? 0) + 1, status: doc.status });
  }
  return found;
}

/** Runs per workflow ID on the run's task queue, and how many of them completed with the event processed. */
async function runs(ctx: ChaosContext): Promise<Map<string, { runs: number; completed: number }>> {
  const found = new Map<string, { runs: number; completed: number }>();
  for await (const run of ctx.temporal.workflow.list({ query: `TaskQueue = '${ctx.taskQueue}'` })) {
    const seen = found.get(run.workflowId) ?? { runs: 0, completed: 0 };
    const processed = run.status.name === 'COMPLETED' && run.typedSearchAttributes.get(WebhookStatus) === 'processed';
    found.set(run.workflowId, { runs: seen.runs + 1, completed: seen.completed + (processed ? 1 : 0) });
  }
  return found;
}

/** Whether every event that must be processed has had its effect at the destination (cheap to check). */
export async function allDelivered(ctx: ChaosContext, events: readonly SentEvent[]): Promise<boolean> {
  const docs = await documents(ctx);
  return events.every((e) => !mustFinish(e, docs) || ctx.sink.applied.has(idempotencyKeyOf(ctx, e)));
}

/** Acknowledged events must be processed; so must an unacknowledged one that was stored anyway. */
function mustFinish(event: SentEvent, docs: Map<string, { count: number }>): boolean {
  return event.acknowledged || docs.has(event.id);
}

export async function verify(ctx: ChaosContext, events: readonly SentEvent[]): Promise<Verdict> {
  const [docs, runsById] = await Promise.all([documents(ctx), runs(ctx)]);
  const outcomes = events.map((event): Outcome => {
    const doc = docs.get(event.id);
    const run = runsById.get(workflowIdOf(ctx, event));
    const applied = ctx.sink.applied.get(idempotencyKeyOf(ctx, event));
    return {
      event,
      documents: doc?.count ?? 0,
      status: doc?.status,
      runs: run?.runs ?? 0,
      completedRuns: run?.completed ?? 0,
      effectApplied: applied !== undefined,
      effectBodyMatches: applied !== undefined && applied.toString('utf8') === event.body,
    };
  });
  const lost: { id: string; why: string }[] = [];
  let processed = 0;
  let storedStatusMismatches = 0;
  const unfinishedUnacknowledged: { id: string; why: string }[] = [];
  for (const o of outcomes) {
    if (!mustFinish(o.event, docs)) continue;
    const why = [
      o.documents !== 1 && `${o.documents} documents`,
      o.runs !== 1 && `${o.runs} runs`,
      o.completedRuns !== 1 && `${o.completedRuns} runs completed as processed`,
      !o.effectApplied && 'no effect at the destination',
      o.effectApplied && !o.effectBodyMatches && 'the destination got another body',
    ].filter((reason): reason is string => typeof reason === 'string');
    if (why.length === 0) processed++;
    else if (o.event.acknowledged) lost.push({ id: o.event.id, why: why.join(', ') });
    else unfinishedUnacknowledged.push({ id: o.event.id, why: why.join(', ') });
    if (why.length === 0 && o.status !== 'processed') storedStatusMismatches++;
  }
  const sent = new Set(events.map((e) => e.id));
  const unknownDocuments = [...docs.keys()].filter((id) => !sent.has(id)).length;
  return { outcomes, processed, lost, unfinishedUnacknowledged, unknownDocuments, storedStatusMismatches };
}

import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BreakerMemory, OutcomeBatch } from './breaker';
import type { KeyQueueState, PositionNotice, QueuedEvent } from './key-queue';
import type { PermitPoolState } from './permit-pool';
import type { EventProcessingStatus, PermitRequest } from './types';

/*
 * How operators (the CLI, the admin API, `temporal workflow signal`) talk to an event's run.
 * Names and argument shapes are part of hookflow's interface: change them only with a new name.
 */

/** Tries a failed event again: every failed handler, or only `handler`. Ignored unless the event is failed. */
export const redeliverSignal = defineSignal<[{ handler?: string }]>('redeliver');

/** Ends the event as discarded; handlers still running are cancelled. */
export const discardSignal = defineSignal<[{ reason?: string }]>('discard');

/** Where the event stands, handler by handler. */
export const statusQuery = defineQuery<EventProcessingStatus>('status');

/*
 * Per-key ordering (sequence-ordering-key.ts): the events' runs and their key's sequencer talk by
 * these. `turn` is sent to an event's run; `enqueue` and `finished` to the sequencer.
 */

/** The sequencer tells an event's run whom it waits behind, or that it has the key's turn. */
export const turnSignal = defineSignal<[PositionNotice]>('turn');

/** An event's run takes its place in its key's queue; a second `enqueue` of the same ref takes no second place, and is told its place again. */
export const enqueueSignal = defineSignal<[QueuedEvent]>('enqueue');

/** An event's run gives up its place or its turn: it ended, or (onFailure: skip) it failed. */
export const finishedSignal = defineSignal<[{ ref: string }]>('finished');

/** The sequencer's queue: the event holding the turn and those waiting, in order. */
export const queueQuery = defineQuery<KeyQueueState>('queue');

/*
 * Per-handler concurrency (handler-permits.ts): an event run asks the handler's permit workflow for
 * one of its `concurrency` permits before it schedules the handler's activity, and gives it back
 * when the activity ends (its retries included).
 */

/** An event run asks for a permit of the handler; `limit` is the handler's concurrency. */
export const requestPermitSignal = defineSignal<[PermitRequest]>('requestPermit');

/** An event run gives its permit back, or stops waiting for one. */
export const releasePermitSignal = defineSignal<[{ ref: string }]>('releasePermit');

/** The permit workflow tells an event run it holds a permit of `handler` (sent again to check that the run still exists). */
export const permitSignal = defineSignal<[{ handler: string }]>('permit');

/** The permit workflow's holders and waiting runs. */
export const permitsQuery = defineQuery<PermitPoolState>('permits');

/*
 * Per-handler circuit breaker (handler-breaker.ts): every worker reports the handler's attempt
 * outcomes in batches (src/flow/outcome-reporter.ts).
 */

/** A worker's batch of the handler's attempt outcomes. */
export const outcomesSignal = defineSignal<[OutcomeBatch]>('outcomes');

/** The breaker's state, counts and next probe. */
export const breakerQuery = defineQuery<BreakerMemory>('breaker');

import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EventProcessingStatus } from './types';

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

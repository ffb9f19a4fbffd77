import type { Client } from '@temporalio/client';

/**
 * Runs of `taskQueue` started and not finished yet (parked ones included), counted by Temporal's
 * visibility store: one call, where counting events in progress in MongoDB would scan them on FerretDB.
 */
export async function countOpenRuns(temporal: Client, taskQueue: string): Promise<number> {
  const { count } = await temporal.workflow.count(`TaskQueue = ${JSON.stringify(taskQueue)} AND ExecutionStatus = "Running"`);
  return count;
}

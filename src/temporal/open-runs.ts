import type { Client } from '@temporalio/client';

/**
 * Runs of `taskQueue` started and not finished yet (parked ones included), counted by Temporal's
 * visibility store: one call, where counting events in progress in MongoDB would scan them on FerretDB.
 * The deadline also ends the client's own retries (while Temporal is down), which would otherwise
 * outlive the caller's interest, and even the connection.
 */
export async function countOpenRuns(temporal: Client, taskQueue: string, timeoutMs: number): Promise<number> {
  const query = `TaskQueue = ${JSON.stringify(taskQueue)} AND ExecutionStatus = "Running"`;
  const { count } = await temporal.withDeadline(Date.now() + timeoutMs, () => temporal.workflow.count(query));
  return count;
}

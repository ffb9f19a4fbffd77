import type { Client } from '@temporalio/client';

/**
 * How many runs Temporal's visibility store knows under `workflowId`, closed or open. Visibility
 * lags behind the server, so poll it (eventually) until the run you expect shows, then compare.
 */
export async function countRuns(client: Client, workflowId: string): Promise<number> {
  const { count } = await client.workflow.count(`WorkflowId = '${workflowId.replace(/'/g, "\\'")}'`);
  return count;
}

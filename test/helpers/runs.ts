import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { eventually } from './eventually';

/**
 * How many runs Temporal's visibility store knows under `workflowId`, closed or open. Visibility
 * lags behind the server, so poll it (eventually) until the run you expect shows, then compare.
 */
export async function countRuns(client: Client, workflowId: string): Promise<number> {
  const { count } = await client.workflow.count(`WorkflowId = '${workflowId.replace(/'/g, "\\'")}'`);
  return count;
}

/**
 * The handle of the event's run once it exists: the receiver's starter starts it after the 202,
 * so right after the answer there may be none yet.
 */
export async function startedRun(client: Client, workflowId: string): Promise<WorkflowHandle> {
  const handle = client.workflow.getHandle(workflowId);
  await eventually(async () => {
    try {
      await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new Error(`no run of ${workflowId} started yet`);
      throw err;
    }
  });
  return handle;
}

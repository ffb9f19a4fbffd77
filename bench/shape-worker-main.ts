/**
 * The bare shape's worker: `node dist/bench/shape-worker-main.js <task queue>` (TEMPORAL_ADDRESS and
 * TEMPORAL_NAMESPACE from the environment). Runs shape-workflow.ts with its no-op activities on its
 * own task queue (and its activity on a second one, for the variant that sends it there), with the
 * SDK's default worker settings (as hookflow's worker), prints
 * `{"ready":true}` once it polls, and stops on SIGTERM (the SDK's runtime handles it). Bundling
 * happens here, before that line; its output goes to the bench's log file for this process.
 */
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { loadEnv } from '../src/config/env';
import { temporalConnectionOptions } from '../src/config/temporal-connection';
import { shapeActivities, shapeActivityQueue } from './shape-activities';

async function main(taskQueue: string): Promise<void> {
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./shape-workflow') });
  // With the cluster profile's TEMPORAL_TLS_* settings, over mTLS as hookflow's worker.
  const env = loadEnv();
  const connection = await NativeConnection.connect(temporalConnectionOptions(env, process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233'));
  try {
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    // Its workflow cache set as hookflow's worker sets it (with the image's heap limit, the SDK's default would be 32).
    const maxCachedWorkflows = env.WORKER_MAX_CACHED_WORKFLOWS;
    const worker = await Worker.create({ connection, namespace, taskQueue, workflowBundle, activities: shapeActivities, maxCachedWorkflows });
    // The activity's own queue, polled by an activity worker as each of hookflow's handler queues is.
    const activityWorker = await Worker.create({ connection, namespace, taskQueue: shapeActivityQueue(taskQueue), activities: shapeActivities });
    const running = Promise.all([worker.run(), activityWorker.run()]);
    console.log(JSON.stringify({ ready: true, taskQueue }));
    await running;
  } finally {
    await connection.close();
  }
}

const [taskQueue] = process.argv.slice(2);
if (!taskQueue) {
  console.error('usage: node dist/bench/shape-worker-main.js <task queue>');
  process.exit(2);
}
main(taskQueue).catch((err: unknown) => {
  console.error('shape worker:', err);
  process.exit(1);
});

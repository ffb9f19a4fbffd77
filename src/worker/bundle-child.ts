/**
 * Run by `bundleWorkflowsInChild` (worker.ts) as a short-lived child process: bundles the workflows
 * and sends the code back over the IPC channel, so webpack's memory leaves with this process.
 */
import { bundleWorkflows } from './worker';

if (typeof process.send !== 'function') {
  console.error('bundle-child: run by the worker (child_process.fork), not directly');
  process.exit(2);
}
const send = process.send.bind(process);

bundleWorkflows().then(
  ({ code }) => send({ code }, () => process.exit(0)),
  (err: unknown) => send({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1)),
);

import assert from 'node:assert/strict';
import { readPath } from '../../../src/providers/json-path';
import { cliEnv, jsonOf, runCli } from '../../helpers/cli';
import { eventually } from '../../helpers/eventually';
import type { TestHookflow } from '../../helpers/hookflow';
import { standardSecret } from '../../helpers/signed-event';
import { type AcceptedEvent, closedRun, sendAccepted, signalsOf, useProcessingAndStalled } from '../../helpers/operated-runs';

const SECRET = standardSecret('cli-bulk-test-secret');
const CONFIG = {
  sources: {
    shop: { provider: 'standard-webhooks', secrets: [SECRET] },
    crm: { provider: 'standard-webhooks', secrets: [SECRET] },
  },
};

async function sendMany(hookflow: TestHookflow, source: string, type: string, n: number): Promise<AcceptedEvent[]> {
  const sent: AcceptedEvent[] = [];
  for (let i = 0; i < n; i++) sent.push(await sendAccepted(hookflow, source, SECRET, { type, data: { i } }));
  return sent;
}

describe('hookflow CLI: bulk replay, redeliver and terminate', function () {
  const hookflows = useProcessingAndStalled(CONFIG);

  it('--dry-run lists the events a filter selects, oldest first, and changes nothing', async function () {
    const sent = await sendMany(hookflows.stalled, 'crm', 'contact.merged', 3);
    const run = await runCli(['bulk', 'terminate', '--source', 'crm', '--type', 'contact.merged', '--reason', 'x', '--dry-run'], cliEnv(hookflows.stalled));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split('\n'), ['would terminate 3 event(s):', ...sent.map((e) => `  ${e.workflowId}`)]);
    for (const e of sent) assert.equal((await hookflows.stalled.temporal.workflow.getHandle(e.workflowId).describe()).status.name, 'RUNNING');
  });

  it('terminates every selected open run and reports the count', async function () {
    const sent = await sendMany(hookflows.stalled, 'shop', 'order.stuck', 3);
    const run = await runCli(['bulk', 'terminate', '--type', 'order.stuck', '--reason', 'bulk test', '--rate', '50', '--json'], cliEnv(hookflows.stalled));
    assert.equal(run.code, 0, run.stderr);
    const summary = jsonOf(run);
    assert.deepEqual(
      { total: readPath(summary, 'total'), succeeded: readPath(summary, 'succeeded'), failed: readPath(summary, 'failed') },
      { total: 3, succeeded: 3, failed: [] },
    );
    for (const e of sent) await closedRun(hookflows.stalled.temporal, e.workflowId, 'TERMINATED');
  });

  it('redelivers to the runs a Temporal visibility query selects', async function () {
    const sent = await sendMany(hookflows.stalled, 'shop', 'order.parked', 2);
    const query = `WebhookEventType = 'order.parked' AND TaskQueue = '${hookflows.stalled.env.TEMPORAL_TASK_QUEUE}'`;
    // Visibility is eventually consistent: wait until both runs are listed.
    await eventually(async () => {
      const ids = readPath(jsonOf(await runCli(['bulk', 'redeliver', '--query', query, '--dry-run', '--json'], cliEnv(hookflows.stalled))), 'ids');
      assert.ok(Array.isArray(ids));
      assert.deepEqual(new Set(ids), new Set(sent.map((e) => e.workflowId)));
    }, 30_000);
    const run = await runCli(['bulk', 'redeliver', '--query', query, '--handler', 'erp'], cliEnv(hookflows.stalled));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^redeliver: 2 succeeded, 0 failed, 0 not attempted, of 2$/m);
    for (const e of sent) assert.deepEqual(await signalsOf(hookflows.stalled.temporal, e.workflowId), [{ name: 'redeliver', arg: { handler: 'erp' } }]);
  });

  it('replays every closed run of a filter, each as a new run', async function () {
    const sent = await sendMany(hookflows.processing, 'shop', 'order.replayed', 2);
    const before = await Promise.all(sent.map((e) => closedRun(hookflows.processing.temporal, e.workflowId)));
    const run = await runCli(['bulk', 'replay', '--type', 'order.replayed'], cliEnv(hookflows.processing));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^replay: 2 succeeded, 0 failed/m);
    const after = await Promise.all(sent.map((e) => closedRun(hookflows.processing.temporal, e.workflowId)));
    after.forEach((runId, i) => assert.notEqual(runId, before[i], `${sent[i]?.workflowId} has a new run`));
  });

  it('goes on after failures, lists each with its reason, and exits 1', async function () {
    const sent = await sendMany(hookflows.processing, 'crm', 'contact.closed', 2);
    await Promise.all(sent.map((e) => closedRun(hookflows.processing.temporal, e.workflowId)));
    const run = await runCli(['bulk', 'redeliver', '--source', 'crm', '--type', 'contact.closed'], cliEnv(hookflows.processing));
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^redeliver: 0 succeeded, 2 failed, 0 not attempted, of 2$/m);
    for (const e of sent) assert.match(run.stdout, new RegExp(`^  failed  ${e.workflowId}: .*is closed \\(COMPLETED\\)`, 'm'));
  });

  it('refuses to run without a filter (exit 2) and with both a query and filters (exit 2)', async function () {
    const none = await runCli(['bulk', 'replay'], cliEnv(hookflows.processing));
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /select events with filters .* or --query; --all means every event/);
    const both = await runCli(['bulk', 'replay', '--query', "WebhookSource = 'shop'", '--source', 'shop'], cliEnv(hookflows.processing));
    assert.equal(both.code, 2, both.stderr);
    assert.match(both.stderr, /either --query or the event filters/);
    const badRate = await runCli(['bulk', 'replay', '--all', '--rate', '0'], cliEnv(hookflows.processing));
    assert.equal(badRate.code, 2, badRate.stderr);
  });
});

import assert from 'node:assert/strict';
import { readPath } from '../../../src/providers/json-path';
import { fixed } from '../../fixtures/handlers/ops-handlers';
import { cliEnv, jsonOf, runCli } from '../../helpers/cli';
import { eventually } from '../../helpers/eventually';
import { useHookflow } from '../../helpers/hookflow';
import { closedRun, sendAccepted, type AcceptedEvent } from '../../helpers/operated-runs';
import { standardSecret } from '../../helpers/signed-event';

const SECRET = standardSecret('cli-parked-test-secret');
const HANDLERS = require.resolve('../../fixtures/handlers/ops-handlers');

/** A failed event waiting for an operator, operated through the CLI against the real workflow. */
describe('hookflow CLI on a parked failure: show its state, redeliver, discard', function () {
  this.timeout(120_000);
  const hookflow = useHookflow({
    config: {
      sources: {
        shop: {
          provider: 'standard-webhooks',
          secrets: [SECRET],
          routes: [{ match: { type: 'order.booked' }, handlers: ['erp'] }],
        },
      },
      handlers: { erp: { kind: 'module', module: HANDLERS, export: 'fixable' } },
    },
  });

  async function parked(): Promise<AcceptedEvent> {
    const sent = await sendAccepted(hookflow(), 'shop', SECRET, { type: 'order.booked' });
    await eventually(async () => assert.equal((await hookflow().store.get(sent.workflowId))?.status, 'failed'), 60_000);
    return sent;
  }

  it('events show reports the failed event with the run its worker describes', async function () {
    const sent = await parked();
    const shown = jsonOf(await runCli(['events', 'show', sent.workflowId, '--json'], cliEnv(hookflow())));
    assert.equal(readPath(shown, 'event.status'), 'failed');
    assert.equal(readPath(shown, 'workflow.status'), 'RUNNING');
    assert.equal(readPath(shown, 'workflow.state.status'), 'failed', 'the status query answered by the worker');
    assert.equal(readPath(shown, 'attempts.0.handler'), 'erp');
    assert.equal(readPath(shown, 'attempts.0.outcome'), 'failed');
    const text = await runCli(['events', 'show', sent.workflowId, '--no-query'], cliEnv(hookflow()));
    assert.match(text.stdout, new RegExp(`^Attempts\\s+\\S+ \\S+ erp #1 failed in \\d+ ms: .*event ${sent.eventId} is not fixed yet`, 'm'));
  });

  it('signal redeliver, once the handler is fixed, completes the event as processed', async function () {
    const sent = await parked();
    fixed.add(sent.eventId);
    const run = await runCli(['signal', sent.workflowId, 'redeliver', '--handler', 'erp'], cliEnv(hookflow()));
    assert.equal(run.code, 0, run.stderr);
    await closedRun(hookflow().temporal, sent.workflowId);
    assert.equal((await hookflow().store.get(sent.workflowId))?.status, 'processed');
  });

  it('signal discard ends the event as discarded', async function () {
    const sent = await parked();
    const run = await runCli(['signal', sent.workflowId, 'discard', '--reason', 'customer cancelled'], cliEnv(hookflow()));
    assert.equal(run.code, 0, run.stderr);
    await closedRun(hookflow().temporal, sent.workflowId);
    assert.equal((await hookflow().store.get(sent.workflowId))?.status, 'discarded');
  });

  it('replay --force resets a parked run to its first workflow task; the fixed handler then succeeds', async function () {
    const sent = await parked();
    const open = await runCli(['replay', sent.workflowId], cliEnv(hookflow()));
    assert.equal(open.code, 1, `an open run is not replayed without --force: ${open.stderr}`);
    fixed.add(sent.eventId);
    const result = jsonOf(await runCli(['replay', sent.workflowId, '--force', '--json'], cliEnv(hookflow())));
    assert.equal(readPath(result, 'how'), 'reset');
    assert.equal(await closedRun(hookflow().temporal, sent.workflowId), readPath(result, 'runId'));
    assert.equal((await hookflow().store.get(sent.workflowId))?.status, 'processed');
  });

  it('counts handler attempts and parked events in /metrics', async function () {
    const metric = async (series: string): Promise<number> => {
      const line = (await (await fetch(`${hookflow().url}/metrics`)).text()).split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.slice(series.length + 1));
    };
    const failed = 'hookflow_handler_attempts_total{source="shop",handler="erp",outcome="failed"}';
    const succeeded = 'hookflow_handler_attempts_total{source="shop",handler="erp",outcome="succeeded"}';
    const exhausted = 'hookflow_handler_exhausted_total{source="shop",handler="erp"}';
    const before = { failed: await metric(failed), succeeded: await metric(succeeded), exhausted: await metric(exhausted) };
    const sent = await parked();
    assert.equal(await metric(failed), before.failed + 1);
    assert.equal(await metric(exhausted), before.exhausted + 1, 'a non-retryable failure parks the event');
    fixed.add(sent.eventId);
    assert.equal((await runCli(['signal', sent.workflowId, 'redeliver'], cliEnv(hookflow()))).code, 0);
    await closedRun(hookflow().temporal, sent.workflowId);
    assert.equal(await metric(succeeded), before.succeeded + 1);
  });
});

import assert from 'node:assert/strict';
import { readPath } from '../../../src/providers/json-path';
import { cliEnv, jsonOf, runCli } from '../../helpers/cli';
import { eventually } from '../../helpers/eventually';
import { standardSecret } from '../../helpers/signed-event';
import { closedRun, sendAccepted, signalsOf, storeUnstartedEvent, WORKFLOW_EXECUTION_STARTED, WORKFLOW_TASK_COMPLETED, useProcessingAndStalled } from '../../helpers/operated-runs';

const SECRET = standardSecret('cli-runs-test-secret');
const CONFIG = { sources: { shop: { provider: 'standard-webhooks', secrets: [SECRET] } } };

describe('hookflow CLI: replay, signal, reset, terminate', function () {
  const hookflows = useProcessingAndStalled(CONFIG);

  describe('replay <id>', function () {
    it('resets a closed run to its first workflow task: same workflow ID, a new run that completes', async function () {
      const sent = await sendAccepted(hookflows.processing, 'shop', SECRET, { type: 'order.created' });
      const firstRun = await closedRun(hookflows.processing.temporal, sent.workflowId);

      const result = jsonOf(await runCli(['replay', sent.workflowId, '--json'], cliEnv(hookflows.processing)));
      assert.equal(readPath(result, 'how'), 'reset');
      assert.equal(readPath(result, 'previousRunId'), firstRun);
      const newRun = readPath(result, 'runId');
      assert.ok(typeof newRun === 'string' && newRun !== firstRun);
      assert.equal(await closedRun(hookflows.processing.temporal, sent.workflowId), newRun, 'the new run is current and completes');

      const shown = await runCli(['events', 'show', sent.workflowId], cliEnv(hookflows.processing));
      assert.match(shown.stdout, new RegExp(`^Operators\\s+\\S+ \\S+ replay by cli -> run ${newRun}$`, 'm'));
    });

    it('refuses an open run (exit 1) unless forced, and says what to do instead', async function () {
      const sent = await sendAccepted(hookflows.stalled, 'shop', SECRET, { type: 'order.created' });
      const run = await runCli(['replay', sent.workflowId], cliEnv(hookflows.stalled));
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /is still open; signal it to redeliver a parked failure, or replay with force/);
      const forced = await runCli(['replay', sent.workflowId, '--force'], cliEnv(hookflows.stalled));
      assert.equal(forced.code, 1, `nothing to reset to: no worker has run it: ${forced.stderr}`);
      assert.match(forced.stderr, /has not been picked up by a worker yet/);
    });

    it('starts a run for an event stored but never started', async function () {
      const event = await storeUnstartedEvent(hookflows.stalled, 'shop', 10 * 60_000);
      const result = jsonOf(await runCli(['replay', event._id, '--json'], cliEnv(hookflows.stalled)));
      assert.equal(readPath(result, 'how'), 'started');
      assert.equal(readPath(result, 'previousRunId'), null);
      const described = await hookflows.stalled.temporal.workflow.getHandle(event._id).describe();
      assert.equal(described.runId, readPath(result, 'runId'));
      assert.equal(described.status.name, 'RUNNING');
    });

    it('starts a new run after a run that closed before any worker ran it', async function () {
      const sent = await sendAccepted(hookflows.stalled, 'shop', SECRET, { type: 'order.created' });
      assert.equal((await runCli(['terminate', sent.workflowId, '--reason', 'stuck'], cliEnv(hookflows.stalled))).code, 0);
      const result = jsonOf(await runCli(['replay', sent.workflowId, '--json'], cliEnv(hookflows.stalled)));
      assert.equal(readPath(result, 'how'), 'started');
      const described = await hookflows.stalled.temporal.workflow.getHandle(sent.workflowId).describe();
      assert.equal(described.status.name, 'RUNNING');
      assert.equal(described.runId, readPath(result, 'runId'));
    });
  });

  describe('signal <id> redeliver|discard', function () {
    it('sends redeliver with the handler, and discard with the reason, to the open run', async function () {
      const sent = await sendAccepted(hookflows.stalled, 'shop', SECRET, { type: 'order.failed' });
      const redeliver = await runCli(['signal', sent.workflowId, 'redeliver', '--handler', 'erp'], cliEnv(hookflows.stalled));
      assert.equal(redeliver.code, 0, redeliver.stderr);
      assert.match(redeliver.stdout, /redeliver sent/);
      const discard = await runCli(['signal', sent.workflowId, 'discard', '--reason', 'duplicate order', '--json'], cliEnv(hookflows.stalled));
      assert.equal(readPath(jsonOf(discard), 'signal'), 'discard');
      assert.deepEqual(await signalsOf(hookflows.stalled.temporal, sent.workflowId), [
        { name: 'redeliver', arg: { handler: 'erp' } },
        { name: 'discard', arg: { reason: 'duplicate order' } },
      ]);
    });

    it('refuses a closed run with exit 1, naming its state', async function () {
      const sent = await sendAccepted(hookflows.processing, 'shop', SECRET, { type: 'order.created' });
      await closedRun(hookflows.processing.temporal, sent.workflowId);
      const run = await runCli(['signal', sent.workflowId, 'redeliver'], cliEnv(hookflows.processing));
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /is closed \(COMPLETED\); use replay/);
    });

    it('refuses an unknown signal name with exit 2', async function () {
      const run = await runCli(['signal', 'shop:x', 'retry'], cliEnv(hookflows.stalled));
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /value 'retry' is invalid for argument 'signal'\. Allowed choices are redeliver, discard/);
    });
  });

  describe('reset <id> --to', function () {
    it('resets to the first, the last and a named workflow task, each making a new run', async function () {
      const sent = await sendAccepted(hookflows.processing, 'shop', SECRET, { type: 'order.created' });
      let current = await closedRun(hookflows.processing.temporal, sent.workflowId);
      for (const to of ['first', 'last', 'named'] as const) {
        const history = await hookflows.processing.temporal.workflow.getHandle(sent.workflowId, current).fetchHistory();
        const tasks = (history.events ?? []).filter((e) => e.eventType === WORKFLOW_TASK_COMPLETED).map((e) => e.eventId?.toNumber());
        const expected = to === 'first' ? tasks[0] : tasks.at(-1);
        assert.ok(expected !== undefined);
        const point = to === 'named' ? String(expected) : to;
        const result = jsonOf(await runCli(['reset', sent.workflowId, '--to', point, '--reason', `test ${to}`, '--json'], cliEnv(hookflows.processing)));
        assert.equal(readPath(result, 'previousRunId'), current, `reset --to ${point}`);
        assert.equal(readPath(result, 'resetToEventId'), expected);
        current = await closedRun(hookflows.processing.temporal, sent.workflowId);
        assert.equal(current, readPath(result, 'runId'));
      }
    });

    it('refuses an event that is not a workflow task (exit 2) and a bad --to (exit 2)', async function () {
      const sent = await sendAccepted(hookflows.processing, 'shop', SECRET, { type: 'order.created' });
      await closedRun(hookflows.processing.temporal, sent.workflowId);
      const notATask = await runCli(['reset', sent.workflowId, '--to', String(WORKFLOW_EXECUTION_STARTED)], cliEnv(hookflows.processing));
      assert.equal(notATask.code, 2, notATask.stderr);
      assert.match(notATask.stderr, /Event 1 of this run is not a workflow task event/);
      const badPoint = await runCli(['reset', sent.workflowId, '--to', 'middle'], cliEnv(hookflows.processing));
      assert.equal(badPoint.code, 2, badPoint.stderr);
      const missing = await runCli(['reset', sent.workflowId], cliEnv(hookflows.processing));
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(missing.stderr, /required option '--to <point>' not specified/);
    });
  });

  describe('terminate <id> --reason', function () {
    it('terminates the open run with the reason', async function () {
      const sent = await sendAccepted(hookflows.stalled, 'shop', SECRET, { type: 'order.created' });
      const run = await runCli(['terminate', sent.workflowId, '--reason', 'operator test'], cliEnv(hookflows.stalled));
      assert.equal(run.code, 0, run.stderr);
      await closedRun(hookflows.stalled.temporal, sent.workflowId, 'TERMINATED');
      await eventually(async () => {
        const shown = jsonOf(await runCli(['events', 'show', sent.workflowId, '--json'], cliEnv(hookflows.stalled)));
        assert.equal(readPath(shown, 'operatorActions.0.action'), 'terminate');
        assert.equal(readPath(shown, 'operatorActions.0.note'), 'operator test');
      });
    });

    it('needs --reason (exit 2), and refuses a closed run (exit 1) and an unknown event (exit 3)', async function () {
      const sent = await sendAccepted(hookflows.processing, 'shop', SECRET, { type: 'order.created' });
      await closedRun(hookflows.processing.temporal, sent.workflowId);
      assert.equal((await runCli(['terminate', sent.workflowId], cliEnv(hookflows.processing))).code, 2);
      const closed = await runCli(['terminate', sent.workflowId, '--reason', 'late'], cliEnv(hookflows.processing));
      assert.equal(closed.code, 1, closed.stderr);
      assert.match(closed.stderr, /is closed \(COMPLETED\)/);
      assert.equal((await runCli(['terminate', 'shop:nope', '--reason', 'x'], cliEnv(hookflows.processing))).code, 3);
    });
  });
});

import assert from 'node:assert/strict';
import { readPath } from '../../../src/providers/json-path';
import { cliEnv, jsonOf, runCli } from '../../helpers/cli';
import { eventually } from '../../helpers/eventually';
import { startTestHookflow, type TestHookflow } from '../../helpers/hookflow';
import { sendAccepted, storeUnstartedEvent } from '../../helpers/operated-runs';
import { standardSecret } from '../../helpers/signed-event';

const SECRET = standardSecret('cli-backlog-test-secret');
const CONFIG = { sources: { shop: { provider: 'standard-webhooks', secrets: [SECRET] } } };

describe('hookflow backlog', function () {
  /** Without a worker: started runs stay open. */
  let stalled: TestHookflow;

  before(async function () {
    stalled = await startTestHookflow({ config: CONFIG, worker: false });
  });
  after(async function () {
    await stalled?.stop();
  });

  it('counts the events not started yet, names the oldest, and counts the runs not finished', async function () {
    const empty = jsonOf(await runCli(['backlog', '--json'], cliEnv(stalled)));
    assert.deepEqual(empty, { notStarted: 0, oldestReceivedAt: null, openRuns: 0 });

    await sendAccepted(stalled, 'shop', SECRET, { type: 'order.created' });
    // Left by a receiver that died before starting it, leased for ten minutes: it stays waiting.
    const waiting = await storeUnstartedEvent(stalled, 'shop', 10 * 60_000);
    // Temporal's count comes from its visibility store, which follows the start a little later.
    const result = await eventually(async () => {
      const found = jsonOf(await runCli(['backlog', '--json'], cliEnv(stalled)));
      assert.equal(readPath(found, 'openRuns'), 1);
      return found;
    });
    assert.equal(readPath(result, 'notStarted'), 1);
    assert.equal(readPath(result, 'oldestReceivedAt'), waiting.receivedAt.toISOString());

    const text = await runCli(['backlog'], cliEnv(stalled));
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^not started: 1, oldest received \S+ \S+; started, not finished: 1\n$/);
  });
});

import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
import { savedHistories } from '../helpers/histories';
import { sharedWorkflowBundle } from '../helpers/hookflow';

/**
 * The guard against non-deterministic workflow changes: histories of finished runs, recorded by
 * the processing tests (RECORD_HISTORIES=1) and committed, must replay against the current code.
 * A change that breaks this needs `patched()` (or a new workflow type) for runs already in flight:
 * docs/workflow-versioning.md.
 */
describe('processWebhookEvent replay', function () {
  it('replays every recorded history in test/fixtures/histories without a determinism error', async function () {
    const histories = savedHistories();
    assert.ok(histories.length >= 5, `expected the committed histories, found ${histories.length}`);

    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: await sharedWorkflowBundle() }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.deepEqual(failures, []);
    assert.equal(replayed, histories.length);
  });
});

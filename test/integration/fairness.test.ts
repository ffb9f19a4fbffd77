import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fairnessConfig, measureFairness } from '../../bench/fairness';
import { startServices, type RunningServices } from '../../dev/embedded/services';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { freePorts } from '../helpers/ports';
import { testServices } from '../setup/root-hooks';

const BACKLOG = 1000;
/**
 * Generous for a loaded 2-core machine (B takes a few seconds; under a load average of 20, MongoDB
 * retries stretched it past 30 s once). Without fairness B waits behind most of A: over two
 * minutes at A's five events a second.
 */
const BOUND_MS = 60_000;

/**
 * Issue 14, point 4: a burst on one source does not starve the others. Runs its own Temporal dev
 * server, started as the embedded one is (task queue fairness on), so the shared one is untouched.
 */
describe('fairness between sources', function () {
  this.timeout(300_000);
  let dataDir: string;
  let temporal: RunningServices | undefined;
  let receiver: TestHookflow | undefined;
  let worker: TestHookflow | undefined;

  before(async function () {
    dataDir = mkdtempSync(join(tmpdir(), 'hookflow-fairness-'));
    const [temporalPort, temporalUiPort] = (await freePorts(2)) as [number, number];
    temporal = await startServices({ dataDir, temporalPort, temporalUiPort, mongoUrl: testServices().mongoUrl });
  });

  after(async function () {
    await worker?.stop();
    await receiver?.stop();
    await temporal?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('processes one event of source B within 60 s while most of 1,000 events of source A still wait', async function () {
    const temporalAddress = temporal!.temporalAddress;
    const running = await startTestHookflow({ config: fairnessConfig(), worker: false, temporalAddress });
    receiver = running;
    const result = await measureFairness(
      {
        receiverUrl: running.url,
        store: running.store,
        pendingStarts: running.pendingStarts,
        startWorker: async () => {
          const { MONGO_DB, TEMPORAL_TASK_QUEUE } = running.env;
          worker = await startTestHookflow({ config: fairnessConfig(), receiver: false, temporalAddress, env: { MONGO_DB, TEMPORAL_TASK_QUEUE } });
        },
      },
      BACKLOG,
      BOUND_MS,
    );
    const { latencyMs, timeline } = result;
    assert.ok(latencyMs !== undefined && latencyMs <= BOUND_MS, `B processed within ${BOUND_MS} ms of its receipt (B: ${timeline})`);
    assert.ok(result.backlogProcessed < BACKLOG / 2, `most of A still waits (${result.backlogProcessed} of ${BACKLOG} done)`);
  });
});

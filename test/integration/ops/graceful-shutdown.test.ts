import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { readPath } from '../../../src/providers/json-path';
import { startTestHookflow, type TestHookflow } from '../../helpers/hookflow';
import { signStandard, standardSecret } from '../../helpers/signed-event';
import { testServices } from '../../setup/root-hooks';

const SECRET = standardSecret('graceful-shutdown-test-secret');
const CONFIG = { sources: { shop: { provider: 'standard-webhooks', secrets: [SECRET] } } };
const RECEIVER = resolve(__dirname, '../../../src/receiver/main.js');

/** Starts `node dist/src/receiver/main.js` as production would, and resolves its URL from its JSON log. */
function startReceiver(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [RECEIVER], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      const record: unknown = JSON.parse(line);
      if (readPath(record, 'msg') === 'hookflow-receiver running') done({ child, url: String(readPath(record, 'url')), exited });
    });
    void exited.then((code) => fail(new Error(`receiver exited (${code}) before it was running:\n${stderr}`)));
  });
}

describe('graceful shutdown under load', function () {
  this.timeout(180_000);
  let dir: string;
  let worker: TestHookflow;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'hookflow-shutdown-'));
    writeFileSync(join(dir, 'hookflow.json'), JSON.stringify(CONFIG));
    // Processes what the receiver starts, and drops the shared database at the end.
    worker = await startTestHookflow({ config: CONFIG, receiver: false });
  });
  after(async function () {
    await worker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM mid-stream: exits 0 in bounded time, and every acknowledged event is stored', async function () {
    const services = testServices();
    const { child, url, exited } = await startReceiver({
      HOST: '127.0.0.1',
      PORT: '0',
      HOOKFLOW_CONFIG: join(dir, 'hookflow.json'),
      MONGO_URL: services.mongoUrl,
      MONGO_DB: worker.env.MONGO_DB,
      TEMPORAL_ADDRESS: services.temporalAddress,
      TEMPORAL_NAMESPACE: worker.env.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: worker.env.TEMPORAL_TASK_QUEUE,
      LOG_FORMAT: 'json',
      STOP_TIMEOUT_MS: '20000',
    });

    const acknowledged: string[] = [];
    let refused = 0;
    let signalled = false;
    let signalledAt = 0;
    // Four keep-alive senders, each sending until the receiver stops taking connections.
    const sender = async (): Promise<void> => {
      for (;;) {
        const delivery = signStandard(SECRET, JSON.stringify({ type: 'order.created', data: { at: Date.now() } }));
        try {
          const res = await fetch(`${url}/webhooks/shop`, { method: 'POST', headers: delivery.headers, body: delivery.body });
          await res.arrayBuffer();
          if (res.status >= 200 && res.status < 300) acknowledged.push(`shop:${delivery.id}`);
          else refused++;
        } catch {
          if (signalled) return; // connection refused or closed: the receiver has stopped accepting
          throw new Error('request failed before SIGTERM');
        }
        if (!signalled && acknowledged.length >= 40) {
          signalled = true;
          signalledAt = Date.now();
          child.kill('SIGTERM');
        }
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);

    const code = await exited;
    assert.equal(code, 0, 'a graceful stop exits 0');
    assert.ok(Date.now() - signalledAt < 20_000, `stopped ${Date.now() - signalledAt} ms after SIGTERM`);
    assert.equal(refused, 0, 'no request was refused while draining');
    assert.ok(acknowledged.length >= 40);
    const stored = await worker.store.collection.countDocuments({ _id: { $in: acknowledged } });
    assert.equal(stored, acknowledged.length, 'every acknowledged event is stored');
  });
});

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { readPath } from '../../../src/providers/json-path';
import { eventually } from '../../helpers/eventually';
import { freePort } from '../../helpers/ports';
import { useHookflow } from '../../helpers/hookflow';
import { signStandard, standardSecret } from '../../helpers/signed-event';
import { useTempDir } from '../../helpers/temp-dir';
import { testServices } from '../../setup/root-hooks';

const SECRET = standardSecret('graceful-shutdown-test-secret');
const CONFIG = { sources: { shop: { provider: 'standard-webhooks', secrets: [SECRET] } } };
const RECEIVER = resolve(__dirname, '../../../src/receiver/main.js');
const WORKER = resolve(__dirname, '../../../src/worker/main.js');

interface Started {
  readonly child: ChildProcess;
  /** The "<role> running" log record's url: the receiver's, or undefined for a worker. */
  readonly url: string;
  readonly exited: Promise<number | null>;
  /** Every stdout line so far. */
  readonly lines: string[];
}

/** Starts an entry point (`node dist/src/.../main.js`) as production would; resolves once it logs `<name> running`. */
function startProcess(entry: string, name: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const seen: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      seen.push(line);
      if (!line.startsWith('{')) return;
      const record: unknown = JSON.parse(line);
      if (readPath(record, 'msg') === `${name} running`) done({ child, url: String(readPath(record, 'url')), exited, lines: seen });
    });
    void exited.then((code) => fail(new Error(`${name} exited (${code}) before it was running:\n${stderr}`)));
  });
}

describe('graceful shutdown under load', function () {
  this.timeout(180_000);
  const dir = useTempDir('hookflow-shutdown-');
  before(function () {
    writeFileSync(join(dir(), 'hookflow.json'), JSON.stringify(CONFIG));
  });
  // Processes what the receiver starts, and drops the shared database at the end.
  const worker = useHookflow({ config: CONFIG, receiver: false });

  it('SIGTERM mid-stream: exits 0 in bounded time, and every acknowledged event is stored', async function () {
    const services = testServices();
    const { child, url, exited } = await startProcess(RECEIVER, 'hookflow-receiver', {
      HOST: '127.0.0.1',
      PORT: '0',
      HOOKFLOW_CONFIG: join(dir(), 'hookflow.json'),
      MONGO_URL: services.mongoUrl,
      MONGO_DB: worker().env.MONGO_DB,
      TEMPORAL_ADDRESS: services.temporalAddress,
      TEMPORAL_NAMESPACE: worker().env.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: worker().env.TEMPORAL_TASK_QUEUE,
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
    const stored = await worker().store.collection.countDocuments({ _id: { $in: acknowledged } });
    assert.equal(stored, acknowledged.length, 'every acknowledged event is stored');
  });

  it('a worker process logs JSON (the SDK\'s lines too), serves runtime metrics, and exits 0 on SIGTERM', async function () {
    const services = testServices();
    const metricsPort = await freePort();
    const started = await startProcess(WORKER, 'hookflow-worker', {
      HOOKFLOW_CONFIG: join(dir(), 'hookflow.json'),
      MONGO_URL: services.mongoUrl,
      MONGO_DB: worker().env.MONGO_DB,
      TEMPORAL_ADDRESS: services.temporalAddress,
      TEMPORAL_NAMESPACE: worker().env.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: `${worker().env.TEMPORAL_TASK_QUEUE}-process`,
      TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      LOG_FORMAT: 'json',
    });
    // Connects and bundles the workflows in the background: wait until it polls.
    await eventually(() => assert.ok(started.lines.some((l) => l.includes('"msg":"worker running"'))), 120_000);
    const runtime = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      const text = await res.text();
      assert.match(text, /^temporal_\w+/m);
      return text;
    });
    assert.match(runtime, /temporal_worker_start|temporal_num_pollers|temporal_request/);

    const signalledAt = Date.now();
    started.child.kill('SIGTERM');
    assert.equal(await started.exited, 0);
    assert.ok(Date.now() - signalledAt < 30_000);
    for (const line of started.lines) assert.ok(line.startsWith('{'), `not a JSON line: ${line}`);
  });
});

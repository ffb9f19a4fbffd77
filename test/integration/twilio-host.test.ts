import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import twilioSdk from 'twilio';
import { freePort } from '../helpers/ports';
import { rawRequest } from '../helpers/raw-http';
import { useTempDir } from '../helpers/temp-dir';
import { testServices } from '../setup/root-hooks';

const { getExpectedTwilioSignature } = twilioSdk;
const RECEIVER = resolve(__dirname, '../../src/receiver/main.js');

/** True once the receiver refuses an unsigned delivery (it is taking deliveries), false once it has exited. */
async function startedOrExited(child: ChildProcess, url: string, source: string): Promise<boolean> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
    if (child.exitCode !== null) return false;
    const res = await fetch(`${url}/webhooks/${source}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
    await res?.arrayBuffer();
    if (res?.status === 401) return true;
  }
  throw new Error(`${url} neither took deliveries nor exited within 30 s`);
}

/**
 * Twilio signs the URL it calls with the account's Auth Token, the same token for every webhook of the
 * account. Without publicUrl the receiver would check the signature against a URL built from the
 * request's own Host header, so a delivery captured on its way to any other app of the account could
 * be replayed here with that app's Host. The real receiver must refuse to start with such a source.
 */
describe('Twilio without publicUrl: the forged-Host replay', function () {
  this.timeout(60_000);
  const token = randomBytes(16).toString('hex');
  const dir = useTempDir('hookflow-twilio-host-');

  it('never reaches a receiver: `node dist/src/receiver/main.js` refuses to start, naming publicUrl', async function () {
    const config = join(dir(), 'hookflow.json');
    writeFileSync(config, JSON.stringify({ sources: { sms: { provider: 'twilio', secrets: [{ env: 'TWILIO_AUTH_TOKEN' }] } } }));
    const services = testServices();
    const port = await freePort();
    const suffix = randomBytes(4).toString('hex');
    const child = spawn(process.execPath, [RECEIVER], {
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(port),
        HOOKFLOW_CONFIG: config,
        TWILIO_AUTH_TOKEN: token,
        TEMPORAL_ADDRESS: services.temporalAddress,
        TEMPORAL_NAMESPACE: services.temporalNamespace,
        TEMPORAL_TASK_QUEUE: `hookflow-test-${suffix}`,
        MONGO_URL: services.mongoUrl,
        MONGO_DB: `hookflow_test_${suffix}`,
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const url = `http://127.0.0.1:${port}`;
    const started = await startedOrExited(child, url, 'sms');

    if (started) {
      // The attack: a delivery signed for other-app.example.com, sent here with that Host.
      const body = JSON.stringify({ CallSid: `CA${randomUUID()}`, CallStatus: 'completed' });
      const query = `?bodySHA256=${twilioSdk.getExpectedBodyHash(body)}`;
      const otherHost = 'other-app.example.com';
      const answer = await rawRequest(`${url}/webhooks/sms${query}`, {
        headers: {
          host: otherHost,
          'content-type': 'application/json',
          'x-twilio-signature': getExpectedTwilioSignature(token, `http://${otherHost}/webhooks/sms${query}`, {}),
        },
        body,
      });
      child.kill('SIGTERM');
      await exited;
      assert.fail(`the receiver started, and answered ${answer.status} ${JSON.stringify(answer.body)} to a delivery signed for ${otherHost}`);
    }
    assert.notEqual(await exited, 0);
    assert.match(output, /sources\.sms\.publicUrl: required for twilio: twilio signs the URL it calls; set publicUrl to exactly that URL/);
    assert.ok(!output.includes(token), 'the Auth Token is not printed');
  });
});

import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServices, type RunningServices } from '../../dev/embedded/services';
import { eventually } from '../helpers/eventually';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { post, type Answer } from '../helpers/http';
import { untilAccepting } from '../helpers/ready';
import { captureLogs } from '../helpers/log-capture';
import { freePort } from '../helpers/ports';
import { signStandard, standardSecret } from '../helpers/signed-event';
import { testServices } from '../setup/root-hooks';

const SECRET = standardSecret('secrets-in-logs-standard-key');
const GITHUB_SECRET = 'secrets-in-logs-github-secret-7f3a';
const WRONG_SECRET = standardSecret('secrets-in-logs-not-configured');
/** Where a run leaves an event: processed, or ignored when no route wants it. */
const FINISHED = ['processed', 'ignored'];
const CONFIG = {
  sources: {
    demo: { provider: 'standard-webhooks', secrets: [SECRET], maxBodyBytes: 4096 },
    gh: { provider: 'github', secrets: [GITHUB_SECRET] },
  },
};

/**
 * A full run at debug level, error paths included, logs no secret, no signature and no body.
 * Everything sensitive the test sends is collected in `sensitive` and searched for in the logs.
 * The logger has no redaction, so the code itself must not log them.
 */
describe('logs of a full run hold no secret, signature or body', function () {
  this.timeout(180_000);
  const logs = captureLogs('debug');
  const sensitive = new Set<string>([SECRET, SECRET.slice('whsec_'.length), GITHUB_SECRET, WRONG_SECRET.slice('whsec_'.length)]);
  let dataDir: string;
  let mongoPort: number;
  let mongo: RunningServices | undefined;
  let hookflow: TestHookflow | undefined;

  /** A body with a unique marker, remembered as sensitive. */
  function body(type: string): string {
    const marker = `body-marker-${randomUUID()}`;
    sensitive.add(marker);
    return JSON.stringify({ type, data: { note: marker } });
  }

  /** Posts, remembering every signature-like header value (and its parts) as sensitive. */
  async function send(path: string, text: string | Buffer, headers: Record<string, string>): Promise<Answer> {
    for (const [name, value] of Object.entries(headers)) {
      if (!/signature|authorization/.test(name)) continue;
      sensitive.add(value);
      for (const part of value.split(/[ ,;=]+/)) if (part.length >= 16) sensitive.add(part);
    }
    return post(`${hookflow!.url}${path}`, text, headers);
  }

  function startMongo(): Promise<RunningServices> {
    return startServices({ dataDir, mongoPort, temporalAddress: testServices().temporalAddress });
  }

  before(async function () {
    dataDir = mkdtempSync(join(tmpdir(), 'hookflow-logs-'));
    mongoPort = await freePort();
    mongo = await startMongo();
    hookflow = await startTestHookflow({
      config: CONFIG,
      mongoUrl: mongo.mongoUrl,
      logger: logs.logger,
      env: { LOG_LEVEL: 'debug', START_TIMEOUT_MS: '1000', RELAY_INTERVAL_MS: '200' },
    });
    await untilAccepting(hookflow.url, 'demo');
  });
  after(async function () {
    await hookflow?.stop();
    await mongo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the happy path and every refusal, and the logs are about them', async function () {
    const valid = signStandard(SECRET, body('logs.valid'));
    assert.equal((await send('/webhooks/demo', valid.body, valid.headers)).status, 202);
    assert.equal((await send('/webhooks/demo', valid.body, valid.headers)).status, 200);
    const conflict = signStandard(SECRET, body('logs.conflict'), valid.id);
    assert.equal((await send('/webhooks/demo', conflict.body, conflict.headers)).status, 409);

    const ghBody = body('logs.github');
    const ghSignature = `sha256=${createHmac('sha256', GITHUB_SECRET).update(ghBody).digest('hex')}`;
    const ghHeaders = { 'content-type': 'application/json', 'x-hub-signature-256': ghSignature, 'x-github-delivery': randomUUID(), 'x-github-event': 'push' };
    assert.equal((await send('/webhooks/gh', ghBody, ghHeaders)).status, 202);

    const wrongKey = signStandard(WRONG_SECRET, body('logs.bad-signature'));
    assert.equal((await send('/webhooks/demo', wrongKey.body, wrongKey.headers)).status, 401);
    const stale = signStandard(SECRET, body('logs.stale'), undefined, new Date(Date.now() - 3_600_000));
    assert.equal((await send('/webhooks/demo', stale.body, stale.headers)).status, 401);
    const unknown = signStandard(SECRET, body('logs.unknown'));
    assert.equal((await send('/webhooks/nope', unknown.body, unknown.headers)).status, 404);
    const tooBig = signStandard(SECRET, JSON.stringify({ type: 'logs.big', pad: `${body('x')}${'x'.repeat(5000)}` }));
    assert.equal((await send('/webhooks/demo', tooBig.body, tooBig.headers)).status, 413);
    const notJson = signStandard(SECRET, `not json ${body('logs.not-json')}`);
    assert.equal((await send('/webhooks/demo', notJson.body, notJson.headers)).status, 400);
    const textPlain = signStandard(SECRET, body('logs.text'));
    assert.equal((await send('/webhooks/demo', textPlain.body, { ...textPlain.headers, 'content-type': 'text/plain' })).status, 415);

    await eventually(async () => {
      const stored = await hookflow!.store.get(`demo:${valid.id}`);
      assert.ok(stored && FINISHED.includes(stored.status), `status ${stored?.status}`);
    }, 60_000, 200);
  });

  it('answers 503 while MongoDB is down and accepts again once it is back', async function () {
    await mongo?.stop();
    mongo = undefined;
    const during = signStandard(SECRET, body('logs.mongo-down'));
    const answer = await send('/webhooks/demo', during.body, during.headers);
    assert.equal(answer.status, 503);
    assert.equal(answer.body.error, 'store_unavailable');

    mongo = await startMongo();
    await eventually(async () => {
      const again = await send('/webhooks/demo', during.body, during.headers);
      assert.ok(again.status === 202 || again.status === 200, `answered ${again.status}`);
    }, 60_000, 500);
    await eventually(async () => {
      const stored = await hookflow!.store.get(`demo:${during.id}`);
      assert.ok(stored && FINISHED.includes(stored.status), `status ${stored?.status}`);
    }, 60_000, 200);
  });

  it('has logged the run (accepted events, refusals, the outage) without any secret, signature or body', async function () {
    await hookflow?.stop();
    hookflow = undefined;
    const text = logs.text();
    const messages = logs.records().map((r) => String(r.msg));
    // The logs are not empty: the test would pass trivially if nothing were logged.
    assert.ok(messages.includes('event accepted'), 'accepted events are logged');
    assert.ok(messages.some((m) => /different body/.test(m)), 'the conflict is logged');
    assert.ok(messages.some((m) => /store unavailable/.test(m)), 'the outage is logged');
    assert.ok(sensitive.size > 20, `${sensitive.size} sensitive values collected`);

    const leaks = [...sensitive].filter((value) => text.includes(value));
    assert.deepEqual(leaks, [], 'secrets, signatures or bodies in the logs');
    assert.ok(!/body-marker-/.test(text), 'no body marker, not even a shortened one');
  });
});

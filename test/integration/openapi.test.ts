import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServices, type RunningServices } from '../../dev/embedded/services';
import { Destination, answer } from '../helpers/destination';
import { eventually } from '../helpers/eventually';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { isRecord } from '../helpers/json-schema';
import { OpenApiSpec } from '../helpers/openapi';
import { freePort } from '../helpers/ports';
import { signStandard, standardSecret, type SignedDelivery } from '../helpers/signed-event';
import { testServices } from '../setup/root-hooks';

const SECRET = standardSecret('openapi-test-source');
const FORWARD_SECRET = standardSecret('openapi-test-forward');
const SLACK_SECRET = 'openapi-test-slack-signing-secret';
const TOKEN = 'openapi-test-admin-token-0123456789';

interface Observed {
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
}

/**
 * docs/openapi.yaml against the running server: every answer the server gives in these requests is
 * documented and has the documented shape, and every documented answer is given at least once.
 * The test runs its own MongoDB, so it can also see the answers of a store that is not there yet.
 */
describe('docs/openapi.yaml describes the running server', function () {
  this.timeout(240_000);
  const spec = OpenApiSpec.load();
  const seen = new Set<string>();
  const problems: string[] = [];
  let dataDir: string;
  let mongoPort: number;
  let mongo: RunningServices | undefined;
  let refusing: Destination;
  let hookflow: TestHookflow;

  async function observe(method: string, path: string, init: { headers?: Record<string, string>; body?: string; base?: string } = {}): Promise<Observed> {
    const res = await fetch(`${init.base ?? hookflow.url}${path}`, { method, headers: init.headers, body: init.body });
    const contentType = res.headers.get('content-type') ?? '';
    const text = await res.text();
    const body: unknown = contentType.startsWith('application/json') ? JSON.parse(text) : text;
    const template = spec.templateFor(path);
    if (template === undefined) problems.push(`${method} ${path}: no documented path`);
    else {
      seen.add(`${method.toLowerCase()} ${template} ${res.status}`);
      problems.push(...spec.check(method, template, res.status, contentType, body));
    }
    return { status: res.status, contentType, body };
  }

  const admin = (extra: Record<string, string> = {}): Record<string, string> => ({ authorization: `Bearer ${TOKEN}`, ...extra });
  const json = { 'content-type': 'application/json' };
  const post = (path: string, d: SignedDelivery, headers: Record<string, string> = {}): Promise<Observed> =>
    observe('POST', path, { headers: { ...d.headers, ...headers }, body: d.body });
  const event = (type: string): SignedDelivery => signStandard(SECRET, JSON.stringify({ type, data: { n: randomUUID() } }));

  before(async function () {
    dataDir = mkdtempSync(join(tmpdir(), 'hookflow-openapi-'));
    mongoPort = await freePort();
    refusing = await Destination.start(FORWARD_SECRET, answer(422));
    // MongoDB is not there yet: the receiver starts anyway and answers 503 until its store is set up.
    hookflow = await startTestHookflow({
      mongoUrl: `mongodb://127.0.0.1:${mongoPort}`,
      env: { ADMIN_TOKEN: TOKEN },
      config: {
        sources: {
          demo: {
            provider: 'standard-webhooks',
            secrets: [SECRET],
            routes: [{ match: { type: 'openapi.parked' }, handlers: ['refusing'] }],
          },
          small: { provider: 'standard-webhooks', secrets: [SECRET], maxBodyBytes: 64 },
          chat: { provider: 'slack', secrets: [SLACK_SECRET] },
        },
        handlers: { refusing: { kind: 'http', url: refusing.url, secret: FORWARD_SECRET } },
        defaults: { retry: { maximumAttempts: 1 } },
      },
    });
  });
  after(async function () {
    await hookflow?.stop();
    await mongo?.stop();
    await refusing?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 everywhere the store is needed while MongoDB is not there', async function () {
    assert.equal((await post('/webhooks/demo', event('openapi.early'))).status, 503);
    assert.equal((await observe('GET', '/webhooks/demo')).status, 503);
    assert.equal((await observe('PUT', '/webhooks/demo')).status, 503);
    assert.equal((await observe('GET', '/readyz')).status, 503);
    assert.equal((await observe('GET', '/admin/events', { headers: admin() })).status, 503);
    assert.equal((await observe('GET', '/admin/events/demo:x', { headers: admin() })).status, 503);
    for (const action of ['replay', 'redeliver', 'discard']) {
      assert.equal((await observe('POST', `/admin/events/demo:x/${action}`, { headers: admin(json), body: '{}' })).status, 503);
    }
    mongo = await startServices({ dataDir, mongoPort, temporalAddress: testServices().temporalAddress });
    assert.equal(await hookflow.storeReady(), true);
  });

  it('gives every webhook answer', async function () {
    const valid = event('openapi.valid');
    assert.equal((await post('/webhooks/demo', valid)).status, 202);
    assert.equal((await post('/webhooks/demo', valid)).status, 200);
    assert.equal((await post('/webhooks/demo', event('x'), { 'webhook-signature': 'v1,AAAA' })).status, 401);
    assert.equal((await post('/webhooks/demo', signStandard(SECRET, '{"type":"conflict"}', valid.id))).status, 409);
    assert.equal((await post('/webhooks/demo', signStandard(SECRET, 'not json'))).status, 400);
    assert.equal((await post('/webhooks/demo', event('openapi.text'), { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post('/webhooks/small', signStandard(SECRET, JSON.stringify({ pad: 'x'.repeat(100) })))).status, 413);
    assert.equal((await post('/webhooks/nope', event('openapi.unknown'))).status, 404);
    for (const method of ['GET', 'PUT']) {
      assert.equal((await observe(method, '/webhooks/demo')).status, 405);
      assert.equal((await observe(method, '/webhooks/nope')).status, 404);
    }
    const challenge = JSON.stringify({ type: 'url_verification', challenge: 'openapi-challenge' });
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${ts}:${challenge}`).digest('hex')}`;
    const slack = await observe('POST', '/webhooks/chat', {
      headers: { ...json, 'x-slack-request-timestamp': ts, 'x-slack-signature': signature },
      body: challenge,
    });
    assert.deepEqual(slack.body, { challenge: 'openapi-challenge' });
  });

  it('gives health, readiness and metrics', async function () {
    assert.equal((await observe('GET', '/healthz')).status, 200);
    await eventually(async () => assert.equal((await observe('GET', '/readyz')).status, 200), 60_000, 500);
    const metrics = await observe('GET', '/metrics');
    assert.match(String(metrics.body), /^# HELP /m);
  });

  it('gives every admin answer', async function () {
    const done = event('openapi.done');
    assert.equal((await post('/webhooks/demo', done)).status, 202);
    const parked = [event('openapi.parked'), event('openapi.parked')];
    for (const d of parked) assert.equal((await post('/webhooks/demo', d)).status, 202);
    await eventually(async () => {
      for (const d of [done, ...parked]) {
        const shown = await observe('GET', `/admin/events/demo:${d.id}?query=false`, { headers: admin() });
        const status = isRecord(shown.body) && isRecord(shown.body.event) ? shown.body.event.status : undefined;
        assert.ok(status === 'ignored' || status === 'failed', `demo:${d.id} is ${String(status)}`);
      }
    }, 60_000, 500);

    const badTokens: Record<string, string>[] = [{}, { authorization: 'Bearer ' }, { authorization: 'Bearer wrong-token-wrong-token' }];
    for (const headers of badTokens) {
      assert.equal((await observe('GET', '/admin/events', { headers })).status, 401);
      assert.equal((await observe('GET', `/admin/events/demo:${done.id}`, { headers })).status, 401);
      for (const action of ['replay', 'redeliver', 'discard']) {
        assert.equal((await observe('POST', `/admin/events/demo:${done.id}/${action}`, { headers })).status, 401);
      }
    }
    assert.equal((await observe('GET', '/admin/events?limit=5&source=demo', { headers: admin() })).status, 200);
    assert.equal((await observe('GET', '/admin/events?status=bogus', { headers: admin() })).status, 400);
    assert.equal((await observe('GET', `/admin/events/demo:${done.id}?body=true`, { headers: admin() })).status, 200);
    assert.equal((await observe('GET', '/admin/events/demo:none', { headers: admin() })).status, 404);

    const [open, other] = parked.map((d) => `/admin/events/demo:${d.id}`);
    const closed = `/admin/events/demo:${done.id}`;
    for (const action of ['replay', 'redeliver', 'discard']) {
      assert.equal((await observe('POST', `/admin/events/demo:none/${action}`, { headers: admin(json), body: '{}' })).status, 404);
      assert.equal((await observe('POST', `${closed}/${action}`, { headers: admin(json), body: '{"unknown":1}' })).status, 400);
    }
    assert.equal((await observe('POST', `${open}/replay`, { headers: admin(json), body: '{}' })).status, 409);
    assert.equal((await observe('POST', `${open}/redeliver`, { headers: admin(json), body: '{}' })).status, 200);
    assert.equal((await observe('POST', `${other}/discard`, { headers: admin(json), body: '{"reason":"openapi test"}' })).status, 200);
    assert.equal((await observe('POST', `${closed}/redeliver`, { headers: admin(json), body: '{}' })).status, 409);
    assert.equal((await observe('POST', `${closed}/discard`, { headers: admin(json), body: '{}' })).status, 409);
    assert.equal((await observe('POST', `${closed}/replay`, { headers: admin(json), body: '{}' })).status, 200);
  });

  it('gives every handlers answer', async function () {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token' }] as Record<string, string>[]) {
      assert.equal((await observe('GET', '/admin/handlers', { headers })).status, 401);
      for (const action of ['pause', 'resume']) assert.equal((await observe('POST', `/admin/handlers/refusing/${action}`, { headers })).status, 401);
    }
    assert.equal((await observe('POST', '/admin/handlers/refusing/pause', { headers: admin(json), body: '{"reason":"openapi test"}' })).status, 200);
    assert.equal((await observe('GET', '/admin/handlers', { headers: admin() })).status, 200);
    assert.equal((await observe('POST', '/admin/handlers/refusing/resume', { headers: admin() })).status, 200);
    for (const action of ['pause', 'resume']) {
      assert.equal((await observe('POST', `/admin/handlers/nope/${action}`, { headers: admin() })).status, 404);
      assert.equal((await observe('POST', `/admin/handlers/refusing/${action}`, { headers: admin(json), body: '{"unknown":1}' })).status, 400);
    }
    // A receiver whose Temporal does not answer: handlers live there, not in MongoDB.
    const cut = await startTestHookflow({
      worker: false,
      temporalAddress: `127.0.0.1:${await freePort()}`,
      env: { ADMIN_TOKEN: TOKEN },
      config: { sources: { demo: { provider: 'standard-webhooks', secrets: [SECRET] } }, handlers: { refusing: { kind: 'http', url: refusing.url, secret: FORWARD_SECRET } } },
    });
    try {
      assert.equal((await observe('GET', '/admin/handlers', { headers: admin(), base: cut.url })).status, 503);
      for (const action of ['pause', 'resume']) {
        assert.equal((await observe('POST', `/admin/handlers/refusing/${action}`, { headers: admin(), base: cut.url })).status, 503);
      }
    } finally {
      await cut.stop();
    }
  });

  it('gives 429 on every admin endpoint to an address with too many failed authentications', async function () {
    // The earlier requests' successes forgot their failures: 20 more in a row start the wait.
    for (let i = 0; i < 20; i++) assert.equal((await observe('GET', '/admin/events', { headers: { authorization: `Bearer guess-${i}` } })).status, 401);
    assert.equal((await observe('GET', '/admin/events', { headers: admin() })).status, 429);
    assert.equal((await observe('GET', '/admin/events/demo:x', { headers: admin() })).status, 429);
    for (const action of ['replay', 'redeliver', 'discard']) {
      assert.equal((await observe('POST', `/admin/events/demo:x/${action}`, { headers: admin(json), body: '{}' })).status, 429);
    }
    assert.equal((await observe('GET', '/admin/handlers', { headers: admin() })).status, 429);
    for (const action of ['pause', 'resume']) assert.equal((await observe('POST', `/admin/handlers/refusing/${action}`, { headers: admin() })).status, 429);
  });

  it('saw only documented answers, each of the documented shape', function () {
    assert.deepEqual(problems, []);
  });

  it('saw every documented answer at least once', function () {
    const missing = spec.answers().map((a) => `${a.method} ${a.path} ${a.status}`).filter((key) => !seen.has(key));
    assert.deepEqual(missing, []);
  });

  it('its checker refuses a wrong shape, an undocumented status and an undocumented operation', function () {
    assert.notDeepEqual(spec.check('POST', '/webhooks/{source}', 202, 'application/json', { status: 'accepted' }), []);
    assert.notDeepEqual(spec.check('GET', '/healthz', 200, 'application/json', { status: 'ok', extra: 1 }), []);
    assert.notDeepEqual(spec.check('POST', '/webhooks/{source}', 500, 'application/json', {}), []);
    assert.notDeepEqual(spec.check('DELETE', '/healthz', 200, 'application/json', {}), []);
    assert.deepEqual(spec.check('GET', '/healthz', 200, 'application/json', { status: 'ok' }), []);
  });
});

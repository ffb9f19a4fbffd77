import assert from 'node:assert/strict';
import { useHookflow } from '../../helpers/hookflow';
import { captureLogs } from '../../helpers/log-capture';
import { sendAccepted, signalsOf, type AcceptedEvent } from '../../helpers/operated-runs';
import { rawRequest, type RawAnswer } from '../../helpers/raw-http';
import { standardSecret } from '../../helpers/signed-event';

const SECRET = standardSecret('admin-auth-test-secret');
const CONFIG = { sources: { shop: { provider: 'standard-webhooks', secrets: [SECRET] } } };
const TOKEN = 'admin-auth-token-0123456789abcdef';
const BODY_MARKER = 'admin-auth-body-marker-4242';

/**
 * Each test sends from its own loopback address: the receiver sees another client, so one test's
 * failed authentications never make another's requests wait (20 failures a minute per address).
 */
let nextAddress = 10;
const freshAddress = (): string => `127.0.0.${nextAddress++}`;

interface Send {
  readonly method: string;
  readonly path: string;
  readonly from: string;
  readonly authorization?: string;
  readonly body?: string;
}

function send(base: string, req: Send): Promise<RawAnswer> {
  return rawRequest(base, {
    method: req.method,
    path: req.path,
    localAddress: req.from,
    headers: {
      ...(req.authorization === undefined ? {} : { authorization: req.authorization }),
      ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(req.body === undefined ? {} : { body: req.body }),
  });
}

/** Every admin endpoint with the methods a client could try on it; `{id}` is the event's ID. */
const ENDPOINTS: readonly { readonly path: string; readonly methods: readonly string[]; readonly body?: string }[] = [
  { path: '/admin/events', methods: ['GET', 'HEAD', 'OPTIONS'] },
  { path: '/admin/events?source=shop&body=true', methods: ['GET', 'HEAD'] },
  { path: '/admin/events/{id}?body=true&query=false', methods: ['GET', 'HEAD', 'OPTIONS'] },
  { path: '/admin/events/{id}/replay', methods: ['POST', 'OPTIONS'], body: '{"force":true}' },
  { path: '/admin/events/{id}/redeliver', methods: ['POST', 'OPTIONS'], body: '{}' },
  { path: '/admin/events/{id}/discard', methods: ['POST', 'OPTIONS'], body: '{"reason":"attack"}' },
];

/** Ways to write an admin path that a lax router or a path normaliser could take for the real one. */
const TRICKS: readonly (readonly [string, (path: string) => string])[] = [
  ['upper case /ADMIN', (p) => p.replace('/admin/', '/ADMIN/')],
  ['capitalised /Admin', (p) => p.replace('/admin/', '/Admin/')],
  ['upper case /admin/EVENTS', (p) => p.replace('/events', '/EVENTS')],
  ['an upper-case action', (p) => p.replace(/\/(replay|redeliver|discard)$/, (action) => action.toUpperCase())],
  ['a doubled leading slash //admin', (p) => `/${p}`],
  ['a doubled slash /admin//events', (p) => p.replace('/admin/', '/admin//')],
  ['a dot segment /admin/./events', (p) => p.replace('/admin/', '/admin/./')],
  ['a dot-dot segment /admin/../admin/events', (p) => p.replace('/admin/', '/admin/../admin/')],
  ['an encoded dot segment /admin/%2e/events', (p) => p.replace('/admin/', '/admin/%2e/')],
  ['a percent-encoded letter /%61dmin', (p) => p.replace('/admin/', '/%61dmin/')],
  ['a percent-encoded slash /admin%2Fevents', (p) => p.replace('/admin/', '/admin%2F')],
  ['a percent-encoded letter /admin/%65vents', (p) => p.replace('/events', '/%65vents')],
  ['a trailing slash', (p) => p.replace(/(\?|$)/, '/$1')],
];

describe('admin API: only its exact paths, only with the token', function () {
  const logs = captureLogs('info');
  // No worker: the event's run stays open, so redeliver and discard would be taken if they got through.
  const hookflow = useHookflow({ config: CONFIG, worker: false, env: { ADMIN_TOKEN: TOKEN }, logger: logs.logger });
  let event: AcceptedEvent;
  let runId: string;
  const resolve = (path: string): string => path.replace('{id}', encodeURIComponent(event.workflowId));

  before(async function () {
    event = await sendAccepted(hookflow(), 'shop', SECRET, { type: 'order.created', data: { note: BODY_MARKER } });
    runId = (await hookflow().temporal.workflow.getHandle(event.workflowId).describe()).runId;
  });

  const documented = (path: string): string => path;

  /**
   * Sends every endpoint's `variant` (those a trick changes) with each of its methods from a new
   * address, and returns each answer that is not a refusal or that shows the event, as a line.
   */
  async function adminAnswers(variant: (path: string) => string, authorization?: string): Promise<string[]> {
    const from = freshAddress();
    const wrong: string[] = [];
    for (const endpoint of ENDPOINTS) {
      const path = variant(resolve(endpoint.path));
      if (variant !== documented && path === resolve(endpoint.path)) continue;
      for (const method of endpoint.methods) {
        const body = method === 'POST' ? endpoint.body : undefined;
        const reply = await send(hookflow().url, { method, path, from, ...(authorization === undefined ? {} : { authorization }), ...(body === undefined ? {} : { body }) });
        const allowed = authorization !== undefined ? [404] : variant === documented ? [401] : [401, 404];
        if (!allowed.includes(reply.status) || reply.text.includes(event.eventId) || reply.text.includes(BODY_MARKER)) {
          wrong.push(`${method} ${path} -> ${reply.status} ${reply.text.slice(0, 80)}`);
        }
      }
    }
    return wrong;
  }

  it('refuses the documented paths without the token: 401, never an admin answer', async function () {
    assert.deepEqual(await adminAnswers(documented), []);
  });

  for (const [name, variant] of TRICKS) {
    it(`refuses ${name} without the token: 401 or 404, never an admin answer`, async function () {
      assert.deepEqual(await adminAnswers(variant), []);
    });
  }

  it('answers every trick 404 even with the token: none of them is an admin path', async function () {
    for (const [, variant] of TRICKS) assert.deepEqual(await adminAnswers(variant, `Bearer ${TOKEN}`), []);
  });

  it('let none of the refused requests act on the event: its run is the same, never signalled', async function () {
    const described = await hookflow().temporal.workflow.getHandle(event.workflowId).describe();
    assert.equal(described.runId, runId);
    assert.equal(described.status.name, 'RUNNING');
    assert.deepEqual(await signalsOf(hookflow().temporal, event.workflowId), []);
  });

  it('still answers the documented paths with the token', async function () {
    const from = freshAddress();
    const authorization = `Bearer ${TOKEN}`;
    const list = await send(hookflow().url, { method: 'GET', path: '/admin/events', from, authorization });
    assert.equal(list.status, 200);
    assert.ok(list.text.includes(event.eventId));
    const head = await send(hookflow().url, { method: 'HEAD', path: '/admin/events', from, authorization });
    assert.equal(head.status, 200);
    const shown = await send(hookflow().url, { method: 'GET', path: resolve('/admin/events/{id}?body=true&query=false'), from, authorization });
    assert.equal(shown.status, 200);
    assert.ok(shown.text.includes(BODY_MARKER));
  });

  it('logs each failed authentication at warn with the client, method, path and reason, never the token given', async function () {
    const from = freshAddress();
    const given = `${TOKEN}-but-wrong`;
    const longPath = `/admin/events/${'x'.repeat(1000)}`;
    assert.equal((await send(hookflow().url, { method: 'GET', path: longPath, from, authorization: `Bearer ${given}` })).status, 401);
    assert.equal((await send(hookflow().url, { method: 'POST', path: resolve('/admin/events/{id}/discard'), from, body: '{}' })).status, 401);
    const failures = logs.records().filter((r) => r.msg === 'admin authentication failed' && r.client === from);
    assert.deepEqual(
      failures.map((r) => [r.level, r.method, r.reason]),
      [
        [40, 'GET', 'invalid_token'],
        [40, 'POST', 'missing_token'],
      ],
    );
    const [invalid] = failures;
    assert.ok(typeof invalid?.path === 'string' && invalid.path.startsWith('/admin/events/xxx') && invalid.path.length <= 201, 'the path, truncated');
    assert.ok(!logs.text().includes(TOKEN), 'no token text in the logs');
  });

  it('answers an address 429 with Retry-After after 20 failures in a minute, even with the right token, and only that address', async function () {
    const attacker = freshAddress();
    for (let i = 0; i < 20; i++) {
      const reply = await send(hookflow().url, { method: 'GET', path: '/admin/events', from: attacker, authorization: `Bearer guess-${i}-0123456789abcdef` });
      assert.equal(reply.status, 401, `failure ${i + 1}`);
    }
    const blocked = await send(hookflow().url, { method: 'GET', path: '/admin/events', from: attacker, authorization: `Bearer ${TOKEN}` });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error, 'too_many_failures');
    const retryAfter = Number(blocked.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${String(blocked.headers['retry-after'])}`);
    assert.ok(!blocked.text.includes(event.eventId));

    const operator = await send(hookflow().url, { method: 'GET', path: '/admin/events', from: freshAddress(), authorization: `Bearer ${TOKEN}` });
    assert.equal(operator.status, 200, 'another address is not affected');
    const notices = logs.records().filter((r) => r.msg === 'too many failed admin authentications; refusing this address for a while');
    assert.deepEqual(
      notices.map((r) => [r.level, r.client]),
      [[40, attacker]],
    );
  });
});

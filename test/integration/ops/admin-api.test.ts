import assert from 'node:assert/strict';
import { readPath } from '../../../src/providers/json-path';
import { useHookflow, withTestHookflow } from '../../helpers/hookflow';
import { captureLogs } from '../../helpers/log-capture';
import { closedRun, sendAccepted, signalsOf, type AcceptedEvent } from '../../helpers/operated-runs';
import { standardSecret } from '../../helpers/signed-event';

const SECRET = standardSecret('admin-api-test-secret');
const CONFIG = { sources: { shop: { provider: 'standard-webhooks', secrets: [SECRET] } } };
const TOKEN = 'admin-token-0123456789abcdef';

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

async function call(base: string, method: string, path: string, opts: { token?: string; authorization?: string; body?: unknown } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const authorization = opts.authorization ?? (opts.token === undefined ? undefined : `Bearer ${opts.token}`);
  if (authorization !== undefined) headers.authorization = authorization;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const path = (id: string, action?: string): string => `/admin/events/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

describe('admin API under /admin', function () {
  const logs = captureLogs('info');
  const processing = useHookflow({ config: CONFIG, env: { ADMIN_TOKEN: TOKEN } });
  const stalled = useHookflow({ config: CONFIG, worker: false, env: { ADMIN_TOKEN: TOKEN }, logger: logs.logger });

  describe('without ADMIN_TOKEN', function () {
    it('does not exist: every /admin path answers 404', async function () {
      await withTestHookflow({ config: CONFIG, worker: false }, async (plain) => {
        assert.equal((await call(plain.url, 'GET', '/admin/events', { token: TOKEN })).status, 404);
        assert.equal((await call(plain.url, 'POST', path('shop:x', 'replay'), { token: TOKEN, body: {} })).status, 404);
      });
    });
  });

  describe('authentication', function () {
    const cases: [string, string | undefined][] = [
      ['no Authorization header', undefined],
      ['an empty bearer token', 'Bearer '],
      ['a wrong bearer token', 'Bearer admin-token-0123456789abcdeX'],
      ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
      ['another scheme', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`],
    ];
    for (const [name, authorization] of cases) {
      it(`refuses ${name} with 401 and WWW-Authenticate: Bearer, never echoing the token`, async function () {
        const reply = await call(stalled().url, 'GET', '/admin/events', authorization === undefined ? {} : { authorization });
        assert.equal(reply.status, 401);
        assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer realm="hookflow-admin"/);
        assert.ok(!reply.text.includes(TOKEN.slice(0, 12)), 'the answer holds no part of the token');
      });
    }

    it('guards unknown /admin paths too, so the surface cannot be explored without the token', async function () {
      assert.equal((await call(stalled().url, 'GET', '/admin/secret-things')).status, 401);
      assert.equal((await call(stalled().url, 'GET', '/admin/secret-things', { token: TOKEN })).status, 404);
    });

    it('marks a presented but wrong token invalid_token (RFC 6750), a missing one not', async function () {
      const wrong = await call(stalled().url, 'GET', '/admin/events', { token: 'x'.repeat(30) });
      assert.match(wrong.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.equal(readPath(wrong.json, 'error'), 'invalid_token');
      const missing = await call(stalled().url, 'GET', '/admin/events');
      assert.doesNotMatch(missing.headers.get('www-authenticate') ?? '', /error=/);
      assert.equal(readPath(missing.json, 'error'), 'missing_token');
    });
  });

  describe('GET /admin/events and /admin/events/:id', function () {
    let created: AcceptedEvent;
    let paid: AcceptedEvent;
    before(async function () {
      created = await sendAccepted(stalled(), 'shop', SECRET, { type: 'order.created' });
      paid = await sendAccepted(stalled(), 'shop', SECRET, { type: 'invoice.paid', data: { amount: 7 } });
    });

    it('lists events with the filters, newest first, without bodies', async function () {
      const all = await call(stalled().url, 'GET', '/admin/events?source=shop&since=1h', { token: TOKEN });
      assert.equal(all.status, 200);
      const events = readPath(all.json, 'events');
      assert.ok(Array.isArray(events));
      assert.deepEqual(events.map((e) => readPath(e, '_id')), [paid.workflowId, created.workflowId]);
      assert.ok(!all.text.includes('"body"'));
      const orders = await call(stalled().url, 'GET', '/admin/events?type=order.*&limit=1', { token: TOKEN });
      assert.equal(readPath(orders.json, 'events.0._id'), created.workflowId);
    });

    it('answers a bad filter 400 with what is wrong', async function () {
      const reply = await call(stalled().url, 'GET', '/admin/events?status=done', { token: TOKEN });
      assert.equal(reply.status, 400);
      assert.equal(readPath(reply.json, 'error'), 'bad_request');
      assert.match(String(readPath(reply.json, 'message')), /status must be one of/);
    });

    it('shows an event with its run and Temporal UI link; the body only with ?body=true', async function () {
      const plain = await call(stalled().url, 'GET', `${path(paid.workflowId)}?query=false`, { token: TOKEN });
      assert.equal(plain.status, 200);
      assert.equal(readPath(plain.json, 'event.eventType'), 'invoice.paid');
      assert.equal(readPath(plain.json, 'workflow.status'), 'RUNNING');
      assert.match(String(readPath(plain.json, 'temporalUi')), /\/namespaces\/[^/]+\/workflows\/shop%3Amsg_/);
      assert.equal(readPath(plain.json, 'body'), undefined);
      const full = await call(stalled().url, 'GET', `${path(paid.workflowId)}?body=true&query=false`, { token: TOKEN });
      assert.equal(readPath(full.json, 'body.text'), paid.body);
    });

    it('answers an unknown event 404 not_found', async function () {
      const reply = await call(stalled().url, 'GET', path('shop:missing'), { token: TOKEN });
      assert.equal(reply.status, 404);
      assert.equal(readPath(reply.json, 'error'), 'not_found');
    });
  });

  describe('POST /admin/events/:id/replay|redeliver|discard', function () {
    it('replay resets a closed run and answers the new run', async function () {
      const sent = await sendAccepted(processing(), 'shop', SECRET, { type: 'order.created' });
      const before = await closedRun(processing().temporal, sent.workflowId);
      const reply = await call(processing().url, 'POST', path(sent.workflowId, 'replay'), { token: TOKEN });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(readPath(reply.json, 'how'), 'reset');
      assert.equal(readPath(reply.json, 'previousRunId'), before);
      assert.equal(await closedRun(processing().temporal, sent.workflowId), readPath(reply.json, 'runId'));
    });

    it('replay of an open run is 409 conflict, also when forced before any worker ran it', async function () {
      const sent = await sendAccepted(stalled(), 'shop', SECRET, { type: 'order.created' });
      const open = await call(stalled().url, 'POST', path(sent.workflowId, 'replay'), { token: TOKEN });
      assert.equal(open.status, 409);
      assert.equal(readPath(open.json, 'error'), 'conflict');
      const forced = await call(stalled().url, 'POST', path(sent.workflowId, 'replay'), { token: TOKEN, body: { force: true } });
      assert.equal(forced.status, 409);
    });

    it('redeliver and discard signal the open run, and each action is logged with the event', async function () {
      const sent = await sendAccepted(stalled(), 'shop', SECRET, { type: 'order.failed' });
      const redeliver = await call(stalled().url, 'POST', path(sent.workflowId, 'redeliver'), { token: TOKEN, body: { handler: 'erp' } });
      assert.equal(redeliver.status, 200, redeliver.text);
      assert.equal(readPath(redeliver.json, 'signal'), 'redeliver');
      const discard = await call(stalled().url, 'POST', path(sent.workflowId, 'discard'), { token: TOKEN, body: { reason: 'test order' } });
      assert.equal(discard.status, 200, discard.text);
      assert.deepEqual(await signalsOf(stalled().temporal, sent.workflowId), [
        { name: 'redeliver', arg: { handler: 'erp' } },
        { name: 'discard', arg: { reason: 'test order' } },
      ]);
      const lines = logs.records().filter((r) => r.msg === 'operator action' && r.workflowId === sent.workflowId);
      assert.deepEqual(
        lines.map((r) => [r.action, r.source, r.eventId]),
        [
          ['redeliver', 'shop', sent.eventId],
          ['discard', 'shop', sent.eventId],
        ],
      );
      assert.ok(!logs.text().includes(TOKEN), 'the token is never logged');
    });

    it('redeliver to a closed run is 409; a body with unknown fields or not JSON is 400', async function () {
      const sent = await sendAccepted(processing(), 'shop', SECRET, { type: 'order.created' });
      await closedRun(processing().temporal, sent.workflowId);
      const closed = await call(processing().url, 'POST', path(sent.workflowId, 'redeliver'), { token: TOKEN });
      assert.equal(closed.status, 409);
      assert.match(String(readPath(closed.json, 'message')), /is closed \(COMPLETED\)/);
      const unknownField = await call(processing().url, 'POST', path(sent.workflowId, 'replay'), { token: TOKEN, body: { forse: true } });
      assert.equal(unknownField.status, 400);
      const res = await fetch(`${processing().url}${path(sent.workflowId, 'discard')}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: '{"reason": ',
      });
      assert.equal(res.status, 400);
    });
  });
});

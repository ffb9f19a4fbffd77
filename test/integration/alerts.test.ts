import assert from 'node:assert/strict';
import { answer, failTimes, useDestinations, type DeliveredRequest } from '../helpers/destination';
import { eventually } from '../helpers/eventually';
import { useHookflow } from '../helpers/hookflow';
import { forwardingTo } from '../helpers/processing';
import { sendEvent } from '../helpers/send-event';
import { standardSecret } from '../helpers/signed-event';

const SOURCE_SECRET = standardSecret('alerts-test-source');
const NOTIFIER_SECRET = standardSecret('alerts-test-notifier');
const TEST_HANDLERS = require.resolve('../fixtures/handlers/test-handlers');
/** In every event's payload: no message may carry it. */
const PAYLOAD_MARKER = 'payload-marker-7f3a9c';
const PARKED = 50;

/** A source whose events all park at once: its handler refuses them for good. */
function configWith(alerts: unknown): unknown {
  return {
    sources: { shop: { provider: 'standard-webhooks', secrets: [SOURCE_SECRET], routes: [{ handlers: ['refuse'] }] } },
    handlers: { refuse: { kind: 'module', module: TEST_HANDLERS, export: 'reject' } },
    // The runs of this test close a few minutes after it, not in a week.
    defaults: { waitForOperator: '3m' },
    alerts,
  };
}

interface WebhookAlerts {
  readonly type: string;
  readonly parked: { readonly count: number; readonly bySource: Record<string, number>; readonly byHandler: Record<string, number>; readonly sample: string[]; readonly link: string };
  readonly backlog: { readonly measure: string; readonly state: string; readonly threshold: number; readonly value: number }[];
}

function json<T>(request: DeliveredRequest): T {
  return JSON.parse(request.body.toString('utf8')) as T;
}

async function sendEvents(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await sendEvent(url, 'shop', SOURCE_SECRET, { type: 'order.created', data: { note: PAYLOAD_MARKER, i } });
  }
}

describe('alerts: parked events', function () {
  this.timeout(180_000);
  const notifiers = useDestinations(NOTIFIER_SECRET, { webhook: answer(200), slack: answer(200), flaky: failTimes(2, 503), gone: answer(404) });
  const hookflow = useHookflow(() => ({
    config: configWith({
      notifiers: {
        ops: { kind: 'webhook', url: notifiers().webhook.url, secret: NOTIFIER_SECRET },
        chat: { kind: 'slack', url: notifiers().slack.url },
        flaky: { kind: 'webhook', url: notifiers().flaky.url, secret: NOTIFIER_SECRET },
        gone: { kind: 'webhook', url: notifiers().gone.url, secret: NOTIFIER_SECRET },
      },
      batchWindow: '5s',
    }),
    untilAccepting: 'shop',
  }));
  /** Parked count of the messages a notifier accepted. */
  const parkedIn = (requests: readonly DeliveredRequest[]): number => requests.reduce((sum, r) => sum + json<WebhookAlerts>(r).parked.count, 0);

  before(async function () {
    await sendEvents(hookflow().url, PARKED);
    await eventually(async () => assert.equal(await hookflow().store.collection.countDocuments({ status: 'failed' }), PARKED), 120_000, 500);
    await eventually(() => assert.equal(parkedIn(notifiers().webhook.requests), PARKED), 60_000, 250);
  });

  it('tells a webhook notifier of 50 parked events in one or a few signed messages that count them', function () {
    const messages = notifiers().webhook.requests;
    assert.ok(messages.length <= 3, `batched: ${messages.length} messages for ${PARKED} parked events`);
    for (const message of messages) assert.equal(message.verified, true, 'signed with the notifier secret (Standard Webhooks)');
    const first = json<WebhookAlerts>(messages[0]!);
    assert.equal(first.type, 'hookflow.alerts');
    assert.ok(first.parked.sample.every((ref) => ref.startsWith('shop:')), 'a few event IDs of the batch');
    assert.match(first.parked.link, /\/workflows\?query=WebhookStatus%20%3D%20%22failed%22$/);
    const bySource = messages.reduce((sum, r) => sum + (json<WebhookAlerts>(r).parked.bySource['shop'] ?? 0), 0);
    assert.equal(bySource, PARKED);
  });

  it('gives a Slack notifier the JSON of an incoming webhook: one text with the count and a link', async function () {
    const messages = await eventually(() => {
      const found = notifiers().slack.requests;
      assert.ok(found.length > 0);
      return found;
    });
    const body = json<Record<string, unknown>>(messages[0]!);
    assert.deepEqual(Object.keys(body), ['text']);
    assert.equal(typeof body['text'], 'string');
    assert.match(String(body['text']), /\*\d+ events? parked\*/);
    assert.match(String(body['text']), /<http:\/\/[^|]+\/workflows\?query=[^|]+\|Parked runs in the Temporal UI>/);
    assert.equal(messages[0]!.headers['content-type'], 'application/json');
  });

  it('sends a message again, under the same webhook-id, until the notifier accepts it', async function () {
    const requests = await eventually(() => {
      const found = notifiers().flaky.requests;
      // The first two were answered 503.
      assert.equal(parkedIn(found.slice(2)), PARKED);
      return found;
    }, 60_000, 250);
    const [first, second, third] = requests;
    assert.ok(first && second && third);
    assert.equal(second.headers['webhook-id'], first.headers['webhook-id']);
    assert.equal(third.headers['webhook-id'], first.headers['webhook-id']);
    assert.equal(third.verified, true);
  });

  it('does not retry a message the notifier refuses for good (a 404)', async function () {
    // Every batch reached the webhook notifier (before): the refused one, sent at the same moments, was tried once each.
    const batches = notifiers().webhook.requests.length;
    await eventually(() => assert.equal(notifiers().gone.requests.length, batches));
    const ids = notifiers().gone.requests.map((r) => r.headers['webhook-id']);
    assert.equal(new Set(ids).size, ids.length, 'no message twice');
  });

  it('never puts payload bytes or secrets in a message', function () {
    const all = [...notifiers().webhook.requests, ...notifiers().slack.requests, ...notifiers().flaky.requests];
    assert.ok(all.length >= 3);
    for (const request of all) {
      const text = request.body.toString('utf8');
      assert.ok(!text.includes(PAYLOAD_MARKER), 'no payload');
      assert.ok(!text.includes(SOURCE_SECRET.slice('whsec_'.length)), 'no source secret');
      assert.ok(!text.includes(NOTIFIER_SECRET.slice('whsec_'.length)), 'no notifier secret');
      assert.ok(!text.includes(notifiers().slack.url), 'no notifier URL');
    }
  });
});

describe('alerts: backlog thresholds', function () {
  this.timeout(120_000);
  const notifiers = useDestinations(NOTIFIER_SECRET, { webhook: answer(200) });
  const hookflow = useHookflow(() => ({
    config: configWith({
      notifiers: { ops: { kind: 'webhook', url: notifiers().webhook.url, secret: NOTIFIER_SECRET } },
      batchWindow: '1s',
      backlog: { maxOpenRuns: 3, checkEvery: '1s' },
    }),
    untilAccepting: 'shop',
  }));

  it('tells the notifier once when the open runs pass the threshold', async function () {
    await sendEvents(hookflow().url, 5);
    const change = await eventually(() => {
      const changes = notifiers().webhook.requests.flatMap((r) => json<WebhookAlerts>(r).backlog);
      const exceeded = changes.filter((c) => c.measure === 'open_runs' && c.state === 'exceeded');
      assert.equal(exceeded.length, 1);
      return exceeded[0]!;
    }, 60_000, 250);
    assert.equal(change.threshold, 3);
    assert.ok(change.value > 3);
  });
});

describe('alerts: circuit breakers', function () {
  this.timeout(180_000);
  const FORWARD_SECRET = standardSecret('alerts-test-forward');
  /** Down for its first 6 requests, then up again. */
  const DOWN_FOR = 6;
  const notifiers = useDestinations(NOTIFIER_SECRET, { webhook: answer(200) });
  const crm = useDestinations(FORWARD_SECRET, { crm: (index) => ({ status: index < DOWN_FOR ? 503 : 200 }) });
  const hookflow = useHookflow(() => ({
    config: {
      sources: { shop: { provider: 'standard-webhooks', secrets: [SOURCE_SECRET], routes: [{ handlers: ['crm'] }] } },
      handlers: { crm: { ...forwardingTo(crm().crm, FORWARD_SECRET), breaker: { consecutiveFailures: 3, probeInterval: '1s', maximumProbeInterval: '2s' } } },
      defaults: { retry: { initialInterval: '200ms', backoffCoefficient: 1, maximumInterval: '200ms', maximumAttempts: 30 }, timeout: '10s' },
      alerts: { notifiers: { ops: { kind: 'webhook', url: notifiers().webhook.url, secret: NOTIFIER_SECRET } }, batchWindow: '1s' },
    },
    untilAccepting: 'shop',
  }));

  it('tells the notifier when a handler\'s breaker opens and when it closes again, signed', async function () {
    const event = await sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.created', data: { note: PAYLOAD_MARKER } });
    await eventually(async () => assert.equal((await hookflow().store.get(event.workflowId))?.status, 'processed'), 120_000, 250);
    const changes = await eventually(() => {
      const found = notifiers().webhook.requests.flatMap((r) => json<{ breakers: { handler: string; state: string }[] }>(r).breakers);
      assert.deepEqual(found.map((c) => `${c.handler} ${c.state}`), ['crm opened', 'crm closed']);
      return found;
    }, 60_000, 250);
    assert.equal(changes.length, 2);
    for (const message of notifiers().webhook.requests) {
      assert.equal(message.verified, true);
      assert.ok(!message.body.toString('utf8').includes(PAYLOAD_MARKER), 'no payload');
    }
  });
});

describe('alerts: a handler\'s backlog', function () {
  this.timeout(180_000);
  const FORWARD_SECRET = standardSecret('alerts-test-held');
  const ADMIN_TOKEN = 'alerts-test-admin-token-0123456789abcdef';
  const notifiers = useDestinations(NOTIFIER_SECRET, { webhook: answer(200) });
  const held = useDestinations(FORWARD_SECRET, { held: answer(200) });
  const hookflow = useHookflow(() => ({
    config: {
      sources: { shop: { provider: 'standard-webhooks', secrets: [SOURCE_SECRET], routes: [{ handlers: ['held'] }] } },
      handlers: { held: forwardingTo(held().held, FORWARD_SECRET) },
      alerts: {
        notifiers: { ops: { kind: 'webhook', url: notifiers().webhook.url, secret: NOTIFIER_SECRET } },
        batchWindow: '1s',
        backlog: { maxHandlerWaiting: 2, checkEvery: '1s' },
      },
    },
    env: { ADMIN_TOKEN },
    untilAccepting: 'shop',
  }));

  it('tells the notifier when a paused handler\'s waiting attempts pass the threshold, naming the handler', async function () {
    const paused = await fetch(`${hookflow().url}/admin/handlers/held/pause`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(paused.status, 200);
    await sendEvents(hookflow().url, 4);
    const change = await eventually(() => {
      const changes = notifiers().webhook.requests.flatMap((r) => json<{ backlog: { scope: string; measure: string; state: string; value: number; threshold: number }[] }>(r).backlog);
      const exceeded = changes.filter((c) => c.measure === 'handler_waiting_attempts' && c.state === 'exceeded');
      assert.equal(exceeded.length, 1);
      return exceeded[0]!;
    }, 120_000, 250);
    assert.equal(change.scope, 'held');
    assert.equal(change.threshold, 2);
    assert.ok(change.value > 2, `${change.value} waiting`);
    assert.equal(held().held.requests.length, 0, 'nothing delivered while paused');
  });
});

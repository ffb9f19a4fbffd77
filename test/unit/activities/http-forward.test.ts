import assert from 'node:assert/strict';
import { Binary } from 'mongodb';
import { Webhook } from 'standardwebhooks';
import type { HttpHandlerConfig } from '../../../src/config/handlers';
import { forwardHeaders, idempotencyKey } from '../../../activities/http-forward';
import type { EventDocument } from '../../../src/store/events';
import { standardSecret } from '../../helpers/signed-event';

const SECRET = standardSecret('forward-unit-test');
const body = Buffer.from('{"type":"invoice.paid","amount":42}');

const handler: HttpHandlerConfig = {
  kind: 'http',
  limits: {},
  breaker: null,
  name: 'billing',
  url: 'http://billing.internal/hooks',
  secret: SECRET,
  headers: { authorization: 'Bearer t0ken', 'x-team': 'billing' },
  forwardHeaders: ['user-agent', 'x-missing'],
};

const event: EventDocument = {
  _id: 'stripe:evt_1',
  source: 'stripe',
  provider: 'stripe',
  eventId: 'evt_1',
  eventType: 'invoice.paid',
  body: new Binary(body),
  bodySha256: '',
  contentType: 'application/json',
  headers: [
    { name: 'content-type', value: 'application/json; charset=utf-8' },
    { name: 'user-agent', value: 'Stripe/1.0' },
    { name: 'stripe-signature', value: 't=1,v1=abc' },
  ],
  receivedAt: new Date(0),
  status: 'processing',
  statusHistory: [],
  runId: null,
};

describe('forwardHeaders(handler, event, body, now)', function () {
  let now: number;
  let headers: Headers;
  beforeEach(function () {
    // Whole seconds, and taken when the test runs: the library accepts five minutes of skew only.
    now = Math.floor(Date.now() / 1000) * 1000;
    headers = forwardHeaders(handler, event, body, now);
  });

  it('signs so that the standardwebhooks library verifies the forward', function () {
    const verified = new Webhook(SECRET).verify(body, Object.fromEntries(headers));
    assert.deepEqual(verified, { type: 'invoice.paid', amount: 42 });
  });
  it('fails verification with another secret (the signature depends on ours)', function () {
    const other = standardSecret('someone else');
    assert.throws(() => new Webhook(other).verify(body, Object.fromEntries(headers)), /No matching signature/);
  });
  it('uses workflow ID and handler as message ID and idempotency key, stable across attempts', function () {
    const later = forwardHeaders(handler, event, body, now + 60_000);
    assert.equal(headers.get('idempotency-key'), 'stripe:evt_1:billing');
    assert.equal(headers.get('webhook-id'), idempotencyKey(event, 'billing'));
    assert.equal(later.get('idempotency-key'), headers.get('idempotency-key'));
    assert.equal(headers.get('webhook-timestamp'), String(now / 1000));
    assert.notEqual(later.get('webhook-signature'), headers.get('webhook-signature'), 'a new timestamp, a new signature');
  });
  it('sends the original content type, the chosen original headers and the configured ones, nothing else', function () {
    assert.deepEqual(Object.fromEntries(headers), {
      authorization: 'Bearer t0ken',
      'content-type': 'application/json; charset=utf-8',
      'idempotency-key': 'stripe:evt_1:billing',
      'user-agent': 'Stripe/1.0',
      'webhook-id': 'stripe:evt_1:billing',
      'webhook-signature': headers.get('webhook-signature'),
      'webhook-timestamp': String(now / 1000),
      'x-team': 'billing',
    });
  });
});

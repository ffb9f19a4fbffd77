import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { NodeRuntime, Webhooks } from '@paddle/paddle-node-sdk';
import { paddle } from '../../../src/providers/paddle';
import type { WebhookRequest } from '../../../src/providers/types';
import { assertRejects, context, NOW, NOW_SECONDS, request, verifyDelivery, withBody, withHeaders } from './support';

/** Independent signer with node:crypto, per Paddle's docs: hex HMAC-SHA256 of `<ts>:<raw body>`. */
function h1(secret: string, ts: number | string, body: string): string {
  return createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex');
}

const OLD_SECRET = 'pdl_ntfset_01old_Qm9vYmFyYmF6cXV4';
const NEW_SECRET = 'pdl_ntfset_01new_a7e4a56cf7c1cd80cb1c';
const OTHER_SECRET = 'pdl_ntfset_01oth_ZZZZZZZZZZZZZZZZZZZZ';
const PAYLOAD = JSON.stringify({
  event_id: 'evt_01h8bzakzx3hm2fmen703n5q45',
  event_type: 'transaction.completed',
  occurred_at: '2023-08-21T11:57:47.390028Z',
  data: { id: 'txn_01h8bx69629a16wwm9z8rjmak3' },
});

function delivery(secret: string, ts: number, body = PAYLOAD): WebhookRequest {
  return request({ body, headers: { 'Paddle-Signature': `ts=${ts};h1=${h1(secret, ts, body)}` } });
}

describe('paddle provider', () => {
  const valid = delivery(NEW_SECRET, NOW_SECONDS);
  const ctx = context([NEW_SECRET], {});
  const rejects = (req: WebhookRequest, reason: Parameters<typeof assertRejects>[1], c = ctx): void =>
    assertRejects(() => verifyDelivery(paddle, req, c), reason, [...c.secrets, h1(NEW_SECRET, NOW_SECONDS, PAYLOAD)]);

  before(() => {
    // The SDK's verifier needs its runtime (crypto provider) registered first.
    NodeRuntime.initialize();
  });

  it('accepts a delivery signed over <ts>:<body>', () => {
    assert.doesNotThrow(() => verifyDelivery(paddle, valid, ctx));
  });

  it("agrees with Paddle's SDK: both accept the same freshly signed header", async () => {
    // The SDK checks against the real clock with a 5 s window, so this fixture is signed now.
    const ts = Math.floor(Date.now() / 1000);
    const fresh = delivery(NEW_SECRET, ts);
    const header = fresh.headers['paddle-signature'] ?? '';
    assert.equal(await new Webhooks().isSignatureValid(PAYLOAD, NEW_SECRET, header), true);
    assert.doesNotThrow(() => verifyDelivery(paddle, fresh, context([NEW_SECRET], {}, { now: new Date(ts * 1000) })));
  });

  it("rejects what Paddle's SDK rejects: a header signed with another secret", async () => {
    const ts = Math.floor(Date.now() / 1000);
    const forged = delivery(OTHER_SECRET, ts);
    assert.equal(await new Webhooks().isSignatureValid(PAYLOAD, NEW_SECRET, forged.headers['paddle-signature'] ?? ''), false);
    rejects(forged, 'invalid_signature', context([NEW_SECRET], {}, { now: new Date(ts * 1000) }));
  });

  it('defaults to 300 s, wide enough for a delivery a minute late that the SDK default (5 s) would refuse', () => {
    assert.equal(paddle.defaultToleranceSeconds, 300);
    const late = context([NEW_SECRET], {}, { toleranceSeconds: paddle.defaultToleranceSeconds, now: new Date(NOW.getTime() + 60_000) });
    assert.doesNotThrow(() => verifyDelivery(paddle, valid, late));
  });

  it('accepts a delivery signed with the second of two configured secrets (rotation)', () => {
    assert.doesNotThrow(() => verifyDelivery(paddle, valid, context([OLD_SECRET, NEW_SECRET], {})));
  });

  it('rejects a delivery signed with a secret that is not configured', () => {
    rejects(delivery(OTHER_SECRET, NOW_SECONDS), 'invalid_signature', context([OLD_SECRET, NEW_SECRET], {}));
  });

  it('accepts a header with several h1 signatures when any one matches', () => {
    const header = `ts=${NOW_SECONDS};h1=${h1(OTHER_SECRET, NOW_SECONDS, PAYLOAD)};h1=${h1(NEW_SECRET, NOW_SECONDS, PAYLOAD)}`;
    assert.doesNotThrow(() => verifyDelivery(paddle, withHeaders(valid, { 'paddle-signature': header }), ctx));
  });

  it('rejects a tampered body', () => {
    rejects(withBody(valid, PAYLOAD.replace('completed', 'canceled')), 'invalid_signature');
  });

  it('rejects a signature moved to another timestamp', () => {
    const header = `ts=${NOW_SECONDS + 1};h1=${h1(NEW_SECRET, NOW_SECONDS, PAYLOAD)}`;
    rejects(withHeaders(valid, { 'paddle-signature': header }), 'invalid_signature');
  });

  it('rejects a delivery without Paddle-Signature as missing_signature', () => {
    rejects(withHeaders(valid, { 'paddle-signature': undefined }), 'missing_signature');
  });

  it('rejects a header without h1 as malformed_signature', () => {
    rejects(withHeaders(valid, { 'paddle-signature': `ts=${NOW_SECONDS}` }), 'malformed_signature');
  });

  it('rejects an h1 that is not hex as malformed_signature', () => {
    rejects(withHeaders(valid, { 'paddle-signature': `ts=${NOW_SECONDS};h1=xyz` }), 'malformed_signature');
  });

  it('rejects a header without ts as missing_timestamp', () => {
    rejects(withHeaders(valid, { 'paddle-signature': `h1=${h1(NEW_SECRET, NOW_SECONDS, PAYLOAD)}` }), 'missing_timestamp');
  });

  it('rejects a non-numeric ts as malformed_timestamp', () => {
    rejects(withHeaders(valid, { 'paddle-signature': `ts=soon;h1=${h1(NEW_SECRET, 'soon', PAYLOAD)}` }), 'malformed_timestamp');
  });

  it('rejects a delivery older than the tolerance as timestamp_too_old', () => {
    rejects(delivery(NEW_SECRET, NOW_SECONDS - 301), 'timestamp_too_old');
  });

  it('rejects a delivery from further in the future than the tolerance as timestamp_in_future', () => {
    rejects(delivery(NEW_SECRET, NOW_SECONDS + 301), 'timestamp_in_future');
  });

  it('identify() returns the body event_id and event_type', () => {
    assert.deepEqual(paddle.identify(valid, JSON.parse(PAYLOAD), {}), {
      eventId: 'evt_01h8bzakzx3hm2fmen703n5q45',
      eventType: 'transaction.completed',
    });
  });
});

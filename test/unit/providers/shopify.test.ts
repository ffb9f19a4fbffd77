import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { shopify } from '../../../src/providers/shopify';
import type { WebhookRequest } from '../../../src/providers/types';
import { assertRejects, context, request, verifyDelivery, withBody, withHeaders } from './support';

// Shopify publishes no worked example with a secret and a digest, so the fixture is signed here with
// node:crypto directly, as Shopify's docs describe: base64(HMAC-SHA256(client secret, raw body)).
function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

const OLD_SECRET = 'shpss_old_0123456789abcdef';
const NEW_SECRET = 'shpss_new_fedcba9876543210';
const OTHER_SECRET = 'shpss_other_aaaabbbbccccdddd';
const PAYLOAD = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com', total_price: '19.99' });
const SIGNATURE = sign(NEW_SECRET, PAYLOAD);

const valid = request({
  body: PAYLOAD,
  headers: {
    'X-Shopify-Hmac-Sha256': SIGNATURE,
    'X-Shopify-Topic': 'orders/create',
    'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    'X-Shopify-Event-Id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
  },
});

describe('shopify provider', () => {
  const rejects = (req: WebhookRequest, reason: Parameters<typeof assertRejects>[1]): void =>
    assertRejects(() => verifyDelivery(shopify, req, context([NEW_SECRET], {})), reason, [NEW_SECRET, SIGNATURE]);

  it('accepts a delivery signed over the raw body', () => {
    assert.doesNotThrow(() => verifyDelivery(shopify, valid, context([NEW_SECRET], {})));
  });

  it('accepts a delivery signed with the second of two configured secrets (rotation)', () => {
    assert.doesNotThrow(() => verifyDelivery(shopify, valid, context([OLD_SECRET, NEW_SECRET], {})));
  });

  it('rejects a delivery signed with a secret that is not configured', () => {
    const req = withHeaders(valid, { 'x-shopify-hmac-sha256': sign(OTHER_SECRET, PAYLOAD) });
    assertRejects(() => verifyDelivery(shopify, req, context([OLD_SECRET, NEW_SECRET], {})), 'invalid_signature');
  });

  it('rejects a tampered body', () => {
    rejects(withBody(valid, PAYLOAD.replace('19.99', '0.01')), 'invalid_signature');
  });

  it('rejects the same JSON re-serialised with other whitespace (raw bytes only)', () => {
    rejects(withBody(valid, JSON.stringify(JSON.parse(PAYLOAD), null, 2)), 'invalid_signature');
  });

  it('rejects a delivery without X-Shopify-Hmac-Sha256 as missing_signature', () => {
    rejects(withHeaders(valid, { 'x-shopify-hmac-sha256': undefined }), 'missing_signature');
  });

  it('rejects a signature that is not base64 as malformed_signature', () => {
    rejects(withHeaders(valid, { 'x-shopify-hmac-sha256': `${SIGNATURE.slice(0, -4)}!!!=` }), 'malformed_signature');
  });

  it('rejects the right digest sent as hex instead of base64', () => {
    const hex = createHmac('sha256', NEW_SECRET).update(PAYLOAD).digest('hex');
    rejects(withHeaders(valid, { 'x-shopify-hmac-sha256': hex }), 'invalid_signature');
  });

  it('has no timestamp, so no default tolerance', () => {
    assert.equal(shopify.defaultToleranceSeconds, undefined);
  });

  it('identify() uses the per-delivery webhook ID, not the shared event ID, and the topic', () => {
    assert.deepEqual(shopify.identify(valid, JSON.parse(PAYLOAD), {}), {
      eventId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      eventType: 'orders/create',
    });
  });
});

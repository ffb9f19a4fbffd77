import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { linear } from '../../../src/providers/linear';
import type { WebhookRequest } from '../../../src/providers/types';
import { assertRejects, context, NOW, request, verifyDelivery, withBody, withHeaders } from './support';

// Linear publishes no worked example, so the fixture is signed here with node:crypto directly, as
// Linear's docs and SDK describe: hex HMAC-SHA256 of the raw body.
function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

const OLD_SECRET = 'lin_wh_old_2b1f8e0c9d7a6b5c';
const NEW_SECRET = 'lin_wh_new_7e6d5c4b3a291807';
const OTHER_SECRET = 'lin_wh_other_0000111122223333';
const NOW_MS = NOW.getTime();

function payload(webhookTimestamp: unknown = NOW_MS): string {
  return JSON.stringify({
    action: 'create',
    type: 'Issue',
    data: { id: '2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9', title: 'Faster webhooks' },
    webhookTimestamp,
    webhookId: '000042e3-d123-4980-b49f-8e140eef9329',
  });
}

function delivery(secret: string, body = payload()): WebhookRequest {
  return request({
    body,
    headers: {
      'Linear-Signature': sign(secret, body),
      'Linear-Delivery': '234d1a4e-b617-4388-90fe-adc3633d6b72',
      'Linear-Event': 'Issue',
    },
  });
}

describe('linear provider', () => {
  const valid = delivery(NEW_SECRET);
  const ctx = context([NEW_SECRET], {}, { toleranceSeconds: 60 });
  const rejects = (req: WebhookRequest, reason: Parameters<typeof assertRejects>[1], c = ctx): void =>
    assertRejects(() => verifyDelivery(linear, req, c), reason, [...c.secrets, sign(NEW_SECRET, payload())]);

  it('accepts a delivery signed over the raw body with a fresh webhookTimestamp', () => {
    assert.doesNotThrow(() => verifyDelivery(linear, valid, ctx));
  });

  it("defaults to the one-minute window of Linear's SDK", () => {
    assert.equal(linear.defaultToleranceSeconds, 60);
  });

  it('accepts a delivery signed with the second of two configured secrets (rotation)', () => {
    assert.doesNotThrow(() => verifyDelivery(linear, valid, context([OLD_SECRET, NEW_SECRET], {}, { toleranceSeconds: 60 })));
  });

  it('rejects a delivery signed with a secret that is not configured', () => {
    rejects(delivery(OTHER_SECRET), 'invalid_signature', context([OLD_SECRET, NEW_SECRET], {}, { toleranceSeconds: 60 }));
  });

  it('rejects a tampered body', () => {
    rejects(withBody(valid, payload().replace('Faster', 'Slower')), 'invalid_signature');
  });

  it('rejects a webhookTimestamp refreshed after signing', () => {
    rejects(withBody(valid, payload(NOW_MS + 1)), 'invalid_signature');
  });

  it('rejects a delivery without Linear-Signature as missing_signature', () => {
    rejects(withHeaders(valid, { 'linear-signature': undefined }), 'missing_signature');
  });

  it('rejects a signature that is not hex as malformed_signature', () => {
    rejects(withHeaders(valid, { 'linear-signature': 'sha256=abc' }), 'malformed_signature');
  });

  it('rejects a signed body without webhookTimestamp as missing_timestamp', () => {
    const body = JSON.stringify({ action: 'create', type: 'Issue', data: {} });
    rejects(delivery(NEW_SECRET, body), 'missing_timestamp');
  });

  it('rejects a signed webhookTimestamp that is not a number as malformed_timestamp', () => {
    rejects(delivery(NEW_SECRET, payload(String(NOW_MS))), 'malformed_timestamp');
  });

  it('ignores the unsigned Linear-Timestamp header', () => {
    const stale = delivery(NEW_SECRET, payload(NOW_MS - 61_000));
    rejects(withHeaders(stale, { 'linear-timestamp': String(NOW_MS) }), 'timestamp_too_old');
  });

  it('rejects a webhookTimestamp older than the tolerance as timestamp_too_old', () => {
    rejects(delivery(NEW_SECRET, payload(NOW_MS - 61_000)), 'timestamp_too_old');
  });

  it('rejects a webhookTimestamp further in the future than the tolerance as timestamp_in_future', () => {
    rejects(delivery(NEW_SECRET, payload(NOW_MS + 61_000)), 'timestamp_in_future');
  });

  describe('identify()', () => {
    it('returns the Linear-Delivery ID and the event joined with the body action', () => {
      assert.deepEqual(linear.identify(valid, JSON.parse(payload()), {}), {
        eventId: '234d1a4e-b617-4388-90fe-adc3633d6b72',
        eventType: 'Issue.create',
      });
    });

    it('takes the type from the body when the Linear-Event header is absent', () => {
      const req = withHeaders(valid, { 'linear-event': undefined });
      assert.equal(linear.identify(req, { type: 'Comment', action: 'remove' }, {}).eventType, 'Comment.remove');
    });
  });
});

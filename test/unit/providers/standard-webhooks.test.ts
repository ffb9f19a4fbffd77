import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { standardWebhooks } from '../../../src/providers/standard-webhooks';
import type { WebhookRequest } from '../../../src/providers/types';
import { assertRejects, context, NOW, NOW_SECONDS, request, verifyDelivery, withBody, withHeaders } from './support';

const OLD_SECRET = `whsec_${Buffer.from('standard-webhooks-old-key-0001').toString('base64')}`;
const NEW_SECRET = `whsec_${Buffer.from('standard-webhooks-new-key-0002').toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.from('standard-webhooks-other-key-03').toString('base64')}`;
const MSG_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const PAYLOAD = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1' } });

/** Signed by the standardwebhooks reference library. */
function delivery(secret: string, at: Date = NOW, prefix: 'webhook' | 'svix' = 'webhook'): WebhookRequest {
  return request({
    body: PAYLOAD,
    headers: {
      [`${prefix}-id`]: MSG_ID,
      [`${prefix}-timestamp`]: String(Math.floor(at.getTime() / 1000)),
      [`${prefix}-signature`]: new Webhook(secret).sign(MSG_ID, at, PAYLOAD),
    },
  });
}

describe('standard-webhooks provider', () => {
  const valid = delivery(NEW_SECRET);
  const ctx = context([NEW_SECRET], {});
  const rejects = (req: WebhookRequest, reason: Parameters<typeof assertRejects>[1], c = ctx): void =>
    assertRejects(() => verifyDelivery(standardWebhooks, req, c), reason, [...c.secrets, valid.headers['webhook-signature'] ?? '']);

  it('accepts a delivery signed by the standardwebhooks library', () => {
    assert.doesNotThrow(() => verifyDelivery(standardWebhooks, valid, ctx));
  });

  it('accepts the same delivery under Svix header names (svix-id, svix-timestamp, svix-signature)', () => {
    assert.doesNotThrow(() => verifyDelivery(standardWebhooks, delivery(NEW_SECRET, NOW, 'svix'), ctx));
  });

  it("accepts the known-answer example from Svix's verification docs", () => {
    const req = request({
      body: '{"test": 2432232314}',
      headers: {
        'svix-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        'svix-timestamp': '1614265330',
        'svix-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      },
    });
    const at = context(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], {}, { now: new Date(1614265330 * 1000) });
    assert.doesNotThrow(() => verifyDelivery(standardWebhooks, req, at));
  });

  it('accepts a delivery signed with the second of two configured secrets (rotation)', () => {
    assert.doesNotThrow(() => verifyDelivery(standardWebhooks, valid, context([OLD_SECRET, NEW_SECRET], {})));
  });

  it('rejects a delivery signed with a secret that is not configured', () => {
    rejects(delivery(OTHER_SECRET), 'invalid_signature', context([OLD_SECRET, NEW_SECRET], {}));
  });

  it('accepts a header with several space-separated signatures when any one matches', () => {
    const both = `${delivery(OTHER_SECRET).headers['webhook-signature'] ?? ''} ${valid.headers['webhook-signature'] ?? ''}`;
    assert.doesNotThrow(() => verifyDelivery(standardWebhooks, withHeaders(valid, { 'webhook-signature': both }), ctx));
  });

  it('rejects a tampered body', () => {
    rejects(withBody(valid, PAYLOAD.replace('inv_1', 'inv_2')), 'invalid_signature');
  });

  it('rejects a signature moved to another message id', () => {
    rejects(withHeaders(valid, { 'webhook-id': 'msg_other' }), 'invalid_signature');
  });

  it('rejects a delivery without webhook-id as missing_header', () => {
    rejects(withHeaders(valid, { 'webhook-id': undefined }), 'missing_header');
  });

  it('rejects a delivery without webhook-signature as missing_signature', () => {
    rejects(withHeaders(valid, { 'webhook-signature': undefined }), 'missing_signature');
  });

  it('rejects a header with only asymmetric (v1a) signatures as malformed_signature', () => {
    const v1a = (valid.headers['webhook-signature'] ?? '').replace(/^v1,/, 'v1a,');
    rejects(withHeaders(valid, { 'webhook-signature': v1a }), 'malformed_signature');
  });

  it('rejects a delivery without webhook-timestamp as missing_timestamp', () => {
    rejects(withHeaders(valid, { 'webhook-timestamp': undefined }), 'missing_timestamp');
  });

  it('rejects a delivery older than the tolerance as timestamp_too_old', () => {
    rejects(delivery(NEW_SECRET, new Date((NOW_SECONDS - 301) * 1000)), 'timestamp_too_old');
  });

  it('rejects a delivery from further in the future than the tolerance as timestamp_in_future', () => {
    rejects(delivery(NEW_SECRET, new Date((NOW_SECONDS + 301) * 1000)), 'timestamp_in_future');
  });

  it('identify() returns webhook-id and the body type', () => {
    assert.deepEqual(standardWebhooks.identify(valid, JSON.parse(PAYLOAD), {}), { eventId: MSG_ID, eventType: 'invoice.paid' });
  });
});

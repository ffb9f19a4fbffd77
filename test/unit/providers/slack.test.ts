import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { slack } from '../../../src/providers/slack';
import type { WebhookRequest } from '../../../src/providers/types';
import { assertRejects, context, NOW_SECONDS, request, verifyDelivery, withBody, withHeaders } from './support';

/** Independent signer with node:crypto, per Slack's docs: `v0=` + hex HMAC-SHA256 of `v0:<ts>:<body>`. */
function sign(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

const OLD_SECRET = 'slack-old-8f74223188881234';
const NEW_SECRET = 'slack-new-91b2c3d4e5f60718';
const OTHER_SECRET = 'slack-other-0a1b2c3d4e5f6071';
const PAYLOAD = JSON.stringify({
  type: 'event_callback',
  event_id: 'Ev08MFMKH6',
  event: { type: 'app_mention', text: '<@U0LAN0Z89> is it everything a river should be?' },
});

function delivery(secret: string, timestamp: number, body = PAYLOAD): WebhookRequest {
  return request({
    body,
    headers: { 'X-Slack-Signature': sign(secret, timestamp, body), 'X-Slack-Request-Timestamp': String(timestamp) },
  });
}

describe('slack provider', () => {
  const valid = delivery(NEW_SECRET, NOW_SECONDS);
  const rejects = (req: WebhookRequest, reason: Parameters<typeof assertRejects>[1], secrets = [NEW_SECRET]): void =>
    assertRejects(() => verifyDelivery(slack, req, context(secrets, {})), reason, [...secrets, valid.headers['x-slack-signature'] ?? '']);

  it('accepts a delivery signed over v0:<timestamp>:<body>', () => {
    assert.doesNotThrow(() => verifyDelivery(slack, valid, context([NEW_SECRET], {})));
  });

  it("accepts the worked example from Slack's \"Verifying requests from Slack\" page", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const req = request({
      body,
      contentType: 'application/x-www-form-urlencoded',
      headers: {
        'X-Slack-Request-Timestamp': '1531420618',
        'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      },
    });
    const ctx = context(['8f742231b10e8888abcd99yyyzzz85a5'], {}, { now: new Date(1531420618 * 1000) });
    assert.doesNotThrow(() => verifyDelivery(slack, req, ctx));
  });

  it('defaults to the five-minute window Slack recommends', () => {
    assert.equal(slack.defaultToleranceSeconds, 300);
  });

  it('accepts a delivery signed with the second of two configured secrets (rotation)', () => {
    assert.doesNotThrow(() => verifyDelivery(slack, valid, context([OLD_SECRET, NEW_SECRET], {})));
  });

  it('rejects a delivery signed with a secret that is not configured', () => {
    rejects(delivery(OTHER_SECRET, NOW_SECONDS), 'invalid_signature', [OLD_SECRET, NEW_SECRET]);
  });

  it('rejects a tampered body', () => {
    rejects(withBody(valid, PAYLOAD.replace('river', 'creek')), 'invalid_signature');
  });

  it('rejects a signature replayed with a fresh timestamp', () => {
    rejects(withHeaders(valid, { 'x-slack-request-timestamp': String(NOW_SECONDS + 1) }), 'invalid_signature');
  });

  it('rejects a delivery without X-Slack-Signature as missing_signature', () => {
    rejects(withHeaders(valid, { 'x-slack-signature': undefined }), 'missing_signature');
  });

  it('rejects a signature without the v0= prefix as malformed_signature', () => {
    const bare = (valid.headers['x-slack-signature'] ?? '').slice('v0='.length);
    rejects(withHeaders(valid, { 'x-slack-signature': bare }), 'malformed_signature');
  });

  it('rejects a v0= value that is not hex as malformed_signature', () => {
    rejects(withHeaders(valid, { 'x-slack-signature': 'v0=not-hex' }), 'malformed_signature');
  });

  it('rejects a delivery without X-Slack-Request-Timestamp as missing_timestamp', () => {
    rejects(withHeaders(valid, { 'x-slack-request-timestamp': undefined }), 'missing_timestamp');
  });

  it('rejects a non-numeric timestamp as malformed_timestamp', () => {
    rejects(withHeaders(valid, { 'x-slack-request-timestamp': '1.7e9' }), 'malformed_timestamp');
  });

  it('rejects a delivery older than the tolerance as timestamp_too_old', () => {
    rejects(delivery(NEW_SECRET, NOW_SECONDS - 301), 'timestamp_too_old');
  });

  it('rejects a delivery from further in the future than the tolerance as timestamp_in_future', () => {
    rejects(delivery(NEW_SECRET, NOW_SECONDS + 301), 'timestamp_in_future');
  });

  describe('identify()', () => {
    it('returns the body event_id and the inner event type', () => {
      assert.deepEqual(slack.identify(valid, JSON.parse(PAYLOAD), {}), { eventId: 'Ev08MFMKH6', eventType: 'app_mention' });
    });

    it('falls back to the outer type when there is no inner event', () => {
      assert.equal(slack.identify(valid, { type: 'app_rate_limited' }, {}).eventType, 'app_rate_limited');
    });
  });

  describe('handshake()', () => {
    it('answers url_verification with its challenge', () => {
      const body = { token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' };
      assert.deepEqual(slack.handshake?.(valid, body), {
        status: 200,
        body: { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' },
      });
    });

    it('returns undefined for an ordinary event', () => {
      assert.equal(slack.handshake?.(valid, JSON.parse(PAYLOAD)), undefined);
    });

    it('returns undefined for url_verification without a string challenge', () => {
      assert.equal(slack.handshake?.(valid, { type: 'url_verification', challenge: 12 }), undefined);
    });
  });
});

import { anyMatch, fromHex, hmac } from './crypto';
import { readString } from './json-path';
import { WebhookRejection } from './rejection';
import { checkTimestamp } from './timestamp';
import type { Provider } from './types';

/**
 * Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 with the signing secret over
 * `v0:<X-Slack-Request-Timestamp>:<raw body>`; Slack asks for a five-minute window.
 */
export const slack: Provider = {
  name: 'slack',
  // The ID is the body's `event_id`, and the body is signed.
  signsEventId: true,
  // The app's signing secret is 32 hex characters.
  minSecretBytes: 32,
  defaultToleranceSeconds: 300,

  verify(req, ctx) {
    const header = req.headers['x-slack-signature'];
    if (!header) throw new WebhookRejection('missing_signature', 'Missing X-Slack-Signature header');
    const signature = header.startsWith('v0=') ? fromHex(header.slice('v0='.length)) : undefined;
    if (!signature) throw new WebhookRejection('malformed_signature', 'Signature is not v0=<hex>');
    const timestamp = req.headers['x-slack-request-timestamp'];
    checkTimestamp(timestamp, ctx.toleranceSeconds, ctx.now);

    const expected = ctx.secrets.map((secret) => hmac('sha256', secret, `v0:${timestamp}:`, req.rawBody));
    if (!anyMatch(expected, [signature])) throw new WebhookRejection('invalid_signature', 'No matching signature');
  },

  identify(_req, body) {
    return {
      eventId: readString(body, 'event_id'),
      eventType: readString(body, 'event.type') ?? readString(body, 'type'),
    };
  },

  handshake(_req, body) {
    if (readString(body, 'type') !== 'url_verification') return undefined;
    const challenge = readString(body, 'challenge');
    return challenge === undefined ? undefined : { status: 200, body: { challenge } };
  },
};

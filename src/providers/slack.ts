import { fromHex } from './crypto';
import { readString } from './json-path';
import { WebhookRejection } from './rejection';
import { BODY, checkMac, type MacClaim } from './signed-mac';
import { checkTimestamp } from './timestamp';
import type { Provider } from './types';

/** The header carrying the signature (lower-case, as Node gives it). */
const SIGNATURE_HEADER = 'x-slack-signature';

/**
 * Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 with the signing secret over
 * `v0:<X-Slack-Request-Timestamp>:<raw body>`; Slack asks for a five-minute window.
 */
export const slack: Provider<Record<string, never>, MacClaim> = {
  name: 'slack',
  signatureHeaders: [SIGNATURE_HEADER],
  // The ID is the body's `event_id`, and the body is signed.
  signsEventId: true,
  // The app's signing secret is 32 hex characters.
  minSecretBytes: 32,
  defaultToleranceSeconds: 300,

  readSignature(head, ctx) {
    const header = head.headers[SIGNATURE_HEADER];
    if (!header) throw new WebhookRejection('missing_signature', 'Missing X-Slack-Signature header');
    const signature = header.startsWith('v0=') ? fromHex(header.slice('v0='.length)) : undefined;
    if (!signature) throw new WebhookRejection('malformed_signature', 'Signature is not v0=<hex>');
    const timestamp = head.headers['x-slack-request-timestamp'];
    checkTimestamp(timestamp, ctx.toleranceSeconds, ctx.now);
    return { algorithm: 'sha256', candidates: [signature], signed: [`v0:${timestamp}:`, BODY] };
  },

  checkSignature(claim, req, ctx) {
    checkMac(claim, ctx.secrets, req.rawBody);
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

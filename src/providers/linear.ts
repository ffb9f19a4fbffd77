import { anyMatch, fromHex, hmac } from './crypto';
import { readPath, readString } from './json-path';
import { WebhookRejection } from './rejection';
import { checkTimestamp } from './timestamp';
import type { Provider } from './types';

/**
 * Linear: `Linear-Signature: <hex>`, HMAC-SHA256 over the raw body. The only signed time is the body's
 * `webhookTimestamp` (milliseconds), so it is read after the signature passed; the `Linear-Timestamp`
 * header is not signed and is ignored. Linear's SDK allows one minute either way.
 */
export const linear: Provider = {
  name: 'linear',
  // Linear-Delivery is not signed (only the body is).
  signsEventId: false,
  // Linear generates the signing secret; its length is not documented, so the generic floor applies.
  minSecretBytes: 16,
  defaultToleranceSeconds: 60,

  verify(req, ctx) {
    const header = req.headers['linear-signature'];
    if (!header) throw new WebhookRejection('missing_signature', 'Missing Linear-Signature header');
    const signature = fromHex(header.trim());
    if (!signature) throw new WebhookRejection('malformed_signature', 'Signature is not hex');

    const expected = ctx.secrets.map((secret) => hmac('sha256', secret, req.rawBody));
    if (!anyMatch(expected, [signature])) throw new WebhookRejection('invalid_signature', 'No matching signature');

    const millis = readPath(parseJson(req.rawBody), 'webhookTimestamp');
    if (millis === undefined) throw new WebhookRejection('missing_timestamp', 'Missing webhookTimestamp');
    if (typeof millis !== 'number' || !Number.isSafeInteger(millis)) {
      throw new WebhookRejection('malformed_timestamp', 'Malformed webhookTimestamp');
    }
    checkTimestamp(String(Math.floor(millis / 1000)), ctx.toleranceSeconds, ctx.now);
  },

  identify(req, body) {
    const type = req.headers['linear-event'] ?? readString(body, 'type');
    const action = readString(body, 'action');
    return { eventId: req.headers['linear-delivery'], eventType: type && action ? `${type}.${action}` : type };
  },
};

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

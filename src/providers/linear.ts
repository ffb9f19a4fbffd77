import { fromHex } from './crypto';
import { readPath, readString } from './json-path';
import { WebhookRejection } from './rejection';
import { BODY, checkMac, type MacClaim } from './signed-mac';
import { checkTimestamp } from './timestamp';
import type { Provider } from './types';

/** The header carrying the signature (lower-case, as Node gives it). */
const SIGNATURE_HEADER = 'linear-signature';

/**
 * Linear: `Linear-Signature: <hex>`, HMAC-SHA256 over the raw body. The only signed time is the body's
 * `webhookTimestamp` (milliseconds), so it is read in checkSignature, after the MAC passed; the `Linear-Timestamp`
 * header is not signed and is ignored. Linear's SDK allows one minute either way.
 */
export const linear: Provider<Record<string, never>, MacClaim> = {
  name: 'linear',
  signatureHeaders: [SIGNATURE_HEADER],
  // Linear-Delivery is not signed (only the body is).
  signsEventId: false,
  // Linear generates the signing secret; its length is not documented, so the generic floor applies.
  minSecretBytes: 16,
  defaultToleranceSeconds: 60,

  readSignature(head) {
    const header = head.headers[SIGNATURE_HEADER];
    if (!header) throw new WebhookRejection('missing_signature', 'Missing Linear-Signature header');
    const signature = fromHex(header.trim());
    if (!signature) throw new WebhookRejection('malformed_signature', 'Signature is not hex');
    return { algorithm: 'sha256', candidates: [signature], signed: [BODY] };
  },

  checkSignature(claim, req, ctx) {
    checkMac(claim, ctx.secrets, req.rawBody);
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

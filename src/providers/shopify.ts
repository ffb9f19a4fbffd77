import { fromBase64 } from './crypto';
import { WebhookRejection } from './rejection';
import { BODY, checkMac, type MacClaim } from './signed-mac';
import type { Provider } from './types';

/** The header carrying the signature (lower-case, as Node gives it). */
const SIGNATURE_HEADER = 'x-shopify-hmac-sha256';

/**
 * Shopify: `X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 of the raw body with the app's client secret.
 * No timestamp is signed. `X-Shopify-Webhook-Id` is unique per delivery and is Shopify's dedup key
 * (`X-Shopify-Event-Id` is shared by every delivery of one merchant action).
 */
export const shopify: Provider<Record<string, never>, MacClaim> = {
  name: 'shopify',
  signatureHeaders: [SIGNATURE_HEADER],
  // X-Shopify-Webhook-Id is not signed (only the body is).
  signsEventId: false,
  // Shopify signs with the app's client secret (32 hex characters, longer with the newer shpss_ prefix).
  minSecretBytes: 32,

  readSignature(head) {
    const header = head.headers[SIGNATURE_HEADER];
    if (!header) throw new WebhookRejection('missing_signature', 'Missing X-Shopify-Hmac-Sha256 header');
    const signature = fromBase64(header.trim());
    if (!signature) throw new WebhookRejection('malformed_signature', 'Signature is not base64');
    return { algorithm: 'sha256', candidates: [signature], signed: [BODY] };
  },

  checkSignature(claim, req, ctx) {
    checkMac(claim, ctx.secrets, req.rawBody);
  },

  identify(req) {
    return { eventId: req.headers['x-shopify-webhook-id'], eventType: req.headers['x-shopify-topic'] };
  },
};

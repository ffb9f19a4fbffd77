import { anyMatch, fromBase64, hmac } from './crypto';
import { WebhookRejection } from './rejection';
import type { Provider } from './types';

/**
 * Shopify: `X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 of the raw body with the app's client secret.
 * No timestamp is signed. `X-Shopify-Webhook-Id` is unique per delivery and is Shopify's dedup key
 * (`X-Shopify-Event-Id` is shared by every delivery of one merchant action).
 */
export const shopify: Provider = {
  name: 'shopify',
  // X-Shopify-Webhook-Id is not signed (only the body is).
  signsEventId: false,
  // Shopify signs with the app's client secret (32 hex characters, longer with the newer shpss_ prefix).
  minSecretBytes: 32,

  verify(req, ctx) {
    const header = req.headers['x-shopify-hmac-sha256'];
    if (!header) throw new WebhookRejection('missing_signature', 'Missing X-Shopify-Hmac-Sha256 header');
    const signature = fromBase64(header.trim());
    if (!signature) throw new WebhookRejection('malformed_signature', 'Signature is not base64');

    const expected = ctx.secrets.map((secret) => hmac('sha256', secret, req.rawBody));
    if (!anyMatch(expected, [signature])) throw new WebhookRejection('invalid_signature', 'No matching signature');
  },

  identify(req) {
    return { eventId: req.headers['x-shopify-webhook-id'], eventType: req.headers['x-shopify-topic'] };
  },
};

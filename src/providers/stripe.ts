import { anyMatch, fromHex, hmac } from './crypto';
import { readString } from './json-path';
import { WebhookRejection } from './rejection';
import { checkTimestamp } from './timestamp';
import type { Provider } from './types';

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`, HMAC-SHA256 over `<t>.<raw body>`.
 * Stripe sends several `v1` entries while an endpoint secret is being rolled; `v0` (test-mode legacy)
 * is ignored. The `whsec_...` secret is the HMAC key exactly as shown, not a base64 encoding of it.
 */
export const stripe: Provider = {
  name: 'stripe',
  // The ID is the body's `id`, and the body is signed.
  signsEventId: true,
  // Endpoint secrets are whsec_ followed by at least 32 characters, and the whole string is the key.
  minSecretBytes: 'whsec_'.length + 32,
  defaultToleranceSeconds: 300,

  // Catches the usual mistake of configuring an API key (sk_..., rk_...) instead of the endpoint secret.
  checkSecret(secret) {
    return secret.startsWith('whsec_') ? undefined : "must be the endpoint's signing secret (whsec_...)";
  },

  verify(req, ctx) {
    const header = req.headers['stripe-signature'];
    if (!header) throw new WebhookRejection('missing_signature', 'Missing Stripe-Signature header');

    let timestamp: string | undefined;
    const candidates: Buffer[] = [];
    for (const item of header.split(',')) {
      const eq = item.indexOf('=');
      if (eq < 0) continue;
      const key = item.slice(0, eq).trim();
      const value = item.slice(eq + 1).trim();
      if (key === 't') timestamp = value;
      else if (key === 'v1') {
        const bytes = fromHex(value);
        if (bytes) candidates.push(bytes);
      }
    }
    if (candidates.length === 0) throw new WebhookRejection('malformed_signature', 'No v1 signature in Stripe-Signature header');
    checkTimestamp(timestamp, ctx.toleranceSeconds, ctx.now);

    const expected = ctx.secrets.map((secret) => hmac('sha256', secret, `${timestamp}.`, req.rawBody));
    if (!anyMatch(expected, candidates)) throw new WebhookRejection('invalid_signature', 'No matching signature');
  },

  identify(_req, body) {
    return { eventId: readString(body, 'id'), eventType: readString(body, 'type') };
  },
};

import { readString } from './json-path';
import { WebhookRejection } from './rejection';
import { BODY, checkMac, readKeyedHeader, type MacClaim } from './signed-mac';
import { checkTimestamp } from './timestamp';
import type { Provider } from './types';

/** The header carrying the signature (lower-case, as Node gives it). */
const SIGNATURE_HEADER = 'stripe-signature';

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`, HMAC-SHA256 over `<t>.<raw body>`.
 * Stripe sends several `v1` entries while an endpoint secret is being rolled; `v0` (test-mode legacy)
 * is ignored. The `whsec_...` secret is the HMAC key exactly as shown, not a base64 encoding of it.
 */
export const stripe: Provider<Record<string, never>, MacClaim> = {
  name: 'stripe',
  signatureHeaders: [SIGNATURE_HEADER],
  // The ID is the body's `id`, and the body is signed.
  signsEventId: true,
  // Endpoint secrets are whsec_ followed by at least 32 characters, and the whole string is the key.
  minSecretBytes: 'whsec_'.length + 32,
  defaultToleranceSeconds: 300,

  // Catches the usual mistake of configuring an API key (sk_..., rk_...) instead of the endpoint secret.
  checkSecret(secret) {
    return secret.startsWith('whsec_') ? undefined : "must be the endpoint's signing secret (whsec_...)";
  },

  readSignature(head, ctx) {
    const header = head.headers[SIGNATURE_HEADER];
    if (!header) throw new WebhookRejection('missing_signature', 'Missing Stripe-Signature header');
    const { timestamp, candidates } = readKeyedHeader(header, ',', { timestamp: 't', mac: 'v1' });
    if (candidates.length === 0) throw new WebhookRejection('malformed_signature', 'No v1 signature in Stripe-Signature header');
    checkTimestamp(timestamp, ctx.toleranceSeconds, ctx.now);
    return { algorithm: 'sha256', candidates, signed: [`${timestamp}.`, BODY] };
  },

  checkSignature(claim, req, ctx) {
    checkMac(claim, ctx.secrets, req.rawBody);
  },

  identify(_req, body) {
    return { eventId: readString(body, 'id'), eventType: readString(body, 'type') };
  },
};

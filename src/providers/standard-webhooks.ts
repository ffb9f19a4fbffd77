import { anyMatch, fromBase64, hmac } from './crypto';
import { readString } from './json-path';
import { WebhookRejection } from './rejection';
import { checkTimestamp } from './timestamp';
import type { Provider, WebhookRequest } from './types';

/**
 * Standard Webhooks (and Svix, which sends the same headers with an `svix-` prefix).
 * Signed content: `<msg id>.<timestamp>.<raw body>`, HMAC-SHA256, base64, header `v1,<sig> v1,<sig>`.
 * Secrets look like `whsec_<base64 key>`; a secret without the prefix is taken as the base64 key.
 */
function header(req: WebhookRequest, name: string): string | undefined {
  return req.headers[`webhook-${name}`] ?? req.headers[`svix-${name}`];
}

export function secretKey(secret: string): Buffer {
  const key = fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  // Config validation rejects such secrets at start-up; this guards direct callers.
  if (!key) throw new TypeError('hookflow: a Standard Webhooks secret must be whsec_ followed by base64');
  return key;
}

export const standardWebhooks: Provider = {
  name: 'standard-webhooks',
  // `webhook-id` is part of the signed content.
  signsEventId: true,
  // The specification's keys are 24 to 64 random bytes (base64 after whsec_).
  minSecretBytes: 24,
  secretKey,
  defaultToleranceSeconds: 300,

  checkSecret(secret) {
    const key = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
    return fromBase64(key) ? undefined : 'must be whsec_ followed by base64 (as the sender shows it)';
  },

  verify(req, ctx) {
    const id = header(req, 'id');
    const signatures = header(req, 'signature');
    if (!id) throw new WebhookRejection('missing_header', 'Missing webhook-id header');
    if (!signatures) throw new WebhookRejection('missing_signature', 'Missing webhook-signature header');
    const timestamp = header(req, 'timestamp');
    checkTimestamp(timestamp, ctx.toleranceSeconds, ctx.now);

    // Only `v1` (symmetric) signatures are checked; other versions (v1a, ed25519) are skipped.
    const candidates: Buffer[] = [];
    for (const entry of signatures.split(' ')) {
      const [version, value] = entry.split(',', 2);
      if (version !== 'v1' || value === undefined) continue;
      const bytes = fromBase64(value);
      if (bytes) candidates.push(bytes);
    }
    if (candidates.length === 0) throw new WebhookRejection('malformed_signature', 'No v1 signature in header');

    const expected = ctx.secrets.map((s) => hmac('sha256', secretKey(s), `${id}.${timestamp}.`, req.rawBody));
    if (!anyMatch(expected, candidates)) throw new WebhookRejection('invalid_signature', 'No matching signature');
  },

  identify(req, body) {
    return { eventId: header(req, 'id'), eventType: readString(body, 'type') };
  },
};

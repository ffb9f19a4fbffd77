import { fromBase64, hmac } from './crypto';
import { readString } from './json-path';
import { WebhookRejection } from './rejection';
import { BODY, checkMac, type MacClaim } from './signed-mac';
import { checkTimestamp } from './timestamp';
import type { DeliveryHead, Provider } from './types';

/**
 * Standard Webhooks (and Svix, which sends the same headers with an `svix-` prefix).
 * Signed content: `<msg id>.<timestamp>.<raw body>`, HMAC-SHA256, base64, header `v1,<sig> v1,<sig>`.
 * Secrets look like `whsec_<base64 key>`; a secret without the prefix is taken as the base64 key.
 */
/** The header prefixes a sender may use: the specification's own, and Svix's. */
const PREFIXES = ['webhook', 'svix'] as const;

function header(head: DeliveryHead, name: string): string | undefined {
  for (const prefix of PREFIXES) {
    const value = head.headers[`${prefix}-${name}`];
    if (value !== undefined) return value;
  }
  return undefined;
}

export function secretKey(secret: string): Buffer {
  const key = fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  // Config validation rejects such secrets at start-up; this guards direct callers.
  if (!key) throw new TypeError('hookflow: a Standard Webhooks secret must be whsec_ followed by base64');
  return key;
}

/** The `webhook-signature` header a sender puts on `body`: hookflow's forwards, the sample sender, the benchmark. */
export function sign(secret: string, id: string, timestamp: number | string, body: string | Buffer): string {
  return `v1,${hmac('sha256', secretKey(secret), `${id}.${timestamp}.`, body).toString('base64')}`;
}

export const standardWebhooks: Provider<Record<string, never>, MacClaim> = {
  name: 'standard-webhooks',
  signatureHeaders: PREFIXES.map((prefix) => `${prefix}-signature`),
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

  readSignature(head, ctx) {
    const id = header(head, 'id');
    const signatures = header(head, 'signature');
    if (!id) throw new WebhookRejection('missing_header', 'Missing webhook-id header');
    if (!signatures) throw new WebhookRejection('missing_signature', 'Missing webhook-signature header');
    const timestamp = header(head, 'timestamp');
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
    return { algorithm: 'sha256', candidates, signed: [`${id}.${timestamp}.`, BODY] };
  },

  checkSignature(claim, req, ctx) {
    checkMac(claim, ctx.secrets.map(secretKey), req.rawBody);
  },

  identify(req, body) {
    return { eventId: header(req, 'id'), eventType: readString(body, 'type') };
  },
};

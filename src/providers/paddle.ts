import { readString } from './json-path';
import { WebhookRejection } from './rejection';
import { BODY, checkMac, readKeyedHeader, type MacClaim } from './signed-mac';
import { checkTimestamp } from './timestamp';
import type { Provider } from './types';

/** The header carrying the signature (lower-case, as Node gives it). */
const SIGNATURE_HEADER = 'paddle-signature';

/**
 * Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>...]`, HMAC-SHA256 over
 * `<ts>:<raw body>` with the notification destination's secret key.
 *
 * Default tolerance: 300 s, not the 5 s Paddle's SDKs enforce. Five seconds leaves no room for clock
 * skew or a slow hop, and paddle-node-sdk#30 shows it rejecting Paddle's own sandbox deliveries.
 * Paddle's docs do not say whether a retry is re-signed; if a retry keeps its first `ts`, raise the
 * source's toleranceSeconds. The wider window costs nothing against replays because events are
 * deduplicated by `event_id`.
 */
export const paddle: Provider<Record<string, never>, MacClaim> = {
  name: 'paddle',
  signatureHeaders: [SIGNATURE_HEADER],
  // The ID is the body's `event_id`, and the body is signed.
  signsEventId: true,
  // Paddle generates a secret key per notification destination; its length is not documented, so the generic floor applies.
  minSecretBytes: 16,
  defaultToleranceSeconds: 300,

  readSignature(head, ctx) {
    const header = head.headers[SIGNATURE_HEADER];
    if (!header) throw new WebhookRejection('missing_signature', 'Missing Paddle-Signature header');
    const { timestamp, candidates } = readKeyedHeader(header, ';', { timestamp: 'ts', mac: 'h1' });
    if (candidates.length === 0) throw new WebhookRejection('malformed_signature', 'No h1 signature in Paddle-Signature header');
    checkTimestamp(timestamp, ctx.toleranceSeconds, ctx.now);
    return { algorithm: 'sha256', candidates, signed: [`${timestamp}:`, BODY] };
  },

  checkSignature(claim, req, ctx) {
    checkMac(claim, ctx.secrets, req.rawBody);
  },

  identify(_req, body) {
    return { eventId: readString(body, 'event_id'), eventType: readString(body, 'event_type') };
  },
};

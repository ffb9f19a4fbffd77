import { createHash } from 'node:crypto';
import { anyMatch, fromBase64, fromHex, hmac, safeEqual } from './crypto';
import { readString } from './json-path';
import { WebhookRejection } from './rejection';
import type { Provider } from './types';

const FORM = 'application/x-www-form-urlencoded';

/** The signature, and how the body is covered: by the form parameters, by a hash in the signed URL, or not at all. */
interface TwilioClaim {
  readonly signature: Buffer;
  readonly body: 'form-params' | Buffer | 'unsigned';
}

/** The header carrying the signature (lower-case, as Node gives it). */
const SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * Twilio: `X-Twilio-Signature`, base64 HMAC-SHA1 with the Auth Token over the full URL followed, for
 * form posts, by every parameter name and value sorted by name. Other bodies (JSON) are not in the
 * signed string; the signed URL carries their hex SHA-256 in a `bodySHA256` query parameter instead.
 * No timestamp is signed.
 */
export const twilio: Provider<Record<string, never>, TwilioClaim> = {
  name: 'twilio',
  signatureHeaders: [SIGNATURE_HEADER],
  // I-Twilio-Idempotency-Token is not signed, and a sender may add one to any signed request.
  signsEventId: false,
  signsFormParameters: true,
  // The account's Auth Token is 32 hex characters.
  minSecretBytes: 32,
  signsUrl: true,

  readSignature(head) {
    const header = head.headers[SIGNATURE_HEADER];
    if (!header) throw new WebhookRejection('missing_signature', 'Missing X-Twilio-Signature header');
    const signature = fromBase64(header.trim());
    if (!signature) throw new WebhookRejection('malformed_signature', 'Signature is not base64');
    if (head.contentType === FORM) return { signature, body: 'form-params' };
    const declared = /[?&]bodySHA256=([^&#]*)/.exec(head.url)?.[1];
    if (declared === undefined) return { signature, body: 'unsigned' };
    const hash = fromHex(declared);
    if (!hash) throw new WebhookRejection('malformed_signature', 'bodySHA256 is not hex');
    return { signature, body: hash };
  },

  checkSignature(claim, req, ctx) {
    const params = claim.body === 'form-params' ? signedParams(req.rawBody) : '';
    const expected = ctx.secrets.flatMap((secret) => urlVariants(req.url).map((url) => hmac('sha1', secret, url, params)));
    if (!anyMatch(expected, [claim.signature])) throw new WebhookRejection('invalid_signature', 'No matching signature');
    if (claim.body !== 'form-params') checkBodyHash(claim.body, req.rawBody);
  },

  identify(req, body) {
    const fields = req.contentType === FORM ? Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8'))) : body;
    const sid = readString(fields, 'MessageSid') ?? readString(fields, 'CallSid') ?? readString(fields, 'Sid');
    return {
      eventId: req.headers['i-twilio-idempotency-token'] ?? sid,
      eventType:
        readString(fields, 'MessageStatus') ?? readString(fields, 'CallStatus') ?? readString(fields, 'SmsStatus'),
    };
  },
};

/** Names sorted; a repeated name contributes each distinct value, sorted, as twilio-node does. */
export function signedParams(body: Buffer): string {
  const values = new Map<string, Set<string>>();
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
    const set = values.get(name) ?? new Set<string>();
    values.set(name, set.add(value));
  }
  let out = '';
  for (const name of [...values.keys()].sort()) {
    for (const value of [...(values.get(name) ?? [])].sort()) out += name + value;
  }
  return out;
}

/**
 * Twilio signs the URL as configured, but a proxy or framework on the way may add or drop the default
 * port (`https://host:443/x` vs `https://host/x`). Twilio's own libraries therefore accept the URL as
 * received, without its port and with the scheme's default port; we try the same three.
 */
function urlVariants(url: string): string[] {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!match) return [url];
  const [, scheme = '', authority = '', rest = ''] = match;
  const userInfo = authority.slice(0, authority.lastIndexOf('@') + 1);
  const hostAndPort = authority.slice(userInfo.length);
  // In an IPv6 literal (`[::1]:8080`) only a colon after the closing bracket starts the port.
  const colon = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  const host = colon < 0 ? hostAndPort : hostAndPort.slice(0, colon);
  const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  const withoutPort = scheme + userInfo + host + rest;
  const withPort = colon < 0 ? scheme + userInfo + host + defaultPort + rest : url;
  return [...new Set([url, withoutPort, withPort])];
}

/** For non-form bodies: the signed URL must carry `bodySHA256`, and it must be the body's hash. */
function checkBodyHash(declared: Buffer | 'unsigned', rawBody: Buffer): void {
  if (declared === 'unsigned') {
    // A bodiless request (a GET callback) is fully covered by the URL; any other body would not be.
    if (rawBody.length === 0) return;
    throw new WebhookRejection('invalid_signature', 'Body not covered by the signature (no bodySHA256)');
  }
  if (!safeEqual(declared, createHash('sha256').update(rawBody).digest())) {
    throw new WebhookRejection('invalid_signature', 'Body does not match bodySHA256');
  }
}

import { z } from 'zod';
import { fromHex, type HmacAlgorithm } from './crypto';
import { readString } from './json-path';
import { WebhookRejection } from './rejection';
import { BODY, checkMac, type MacClaim } from './signed-mac';
import type { Provider } from './types';

export interface GitHubOptions {
  /** Accept the legacy `X-Hub-Signature: sha1=...` when no SHA-256 signature is sent. Off by default. */
  readonly allowSha1: boolean;
}

/** The headers carrying the signature (lower-case, as Node gives them); SHA-1 only with allowSha1. */
const SHA256_HEADER = 'x-hub-signature-256';
const SHA1_HEADER = 'x-hub-signature';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 over the raw body; no timestamp is signed.
 * When both headers are present only SHA-256 is checked, so a forged SHA-1 cannot stand in for it.
 */
export const github: Provider<GitHubOptions, MacClaim> = {
  name: 'github',
  signatureHeaders: [SHA256_HEADER, SHA1_HEADER],
  // X-GitHub-Delivery is not signed (only the body is).
  signsEventId: false,
  // GitHub lets the user choose the secret and asks for a random, high-entropy string; it sets no length.
  minSecretBytes: 16,
  optionsSchema: z.object({ allowSha1: z.boolean().default(false) }).strict(),

  readSignature(head, ctx) {
    const sha256 = head.headers[SHA256_HEADER];
    const sha1 = ctx.options.allowSha1 ? head.headers[SHA1_HEADER] : undefined;
    let algorithm: HmacAlgorithm;
    let value: string;
    if (sha256) [algorithm, value] = ['sha256', sha256];
    else if (sha1) [algorithm, value] = ['sha1', sha1];
    else throw new WebhookRejection('missing_signature', 'Missing X-Hub-Signature-256 header');

    const prefix = `${algorithm}=`;
    const signature = value.startsWith(prefix) ? fromHex(value.slice(prefix.length)) : undefined;
    if (!signature) throw new WebhookRejection('malformed_signature', `Signature is not ${prefix}<hex>`);
    return { algorithm, candidates: [signature], signed: [BODY] };
  },

  checkSignature(claim, req, ctx) {
    checkMac(claim, ctx.secrets, req.rawBody);
  },

  identify(req, body) {
    const event = req.headers['x-github-event'];
    const action = readString(body, 'action');
    return {
      eventId: req.headers['x-github-delivery'],
      eventType: event && action !== undefined ? `${event}.${action}` : event,
    };
  },
};

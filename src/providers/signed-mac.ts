import { anyMatch, fromHex, hmac, type HmacAlgorithm } from './crypto';
import { WebhookRejection } from './rejection';

/** Marks where the raw body goes among the signed bytes. */
export const BODY = Symbol('body');

/** What a provider's signature headers say, for the usual HMAC over the body and some header values. */
export interface MacClaim {
  readonly algorithm: HmacAlgorithm;
  /** The MACs the sender sent; one of them matching one secret is enough. Never empty. */
  readonly candidates: readonly Buffer[];
  /** The signed bytes in order, with BODY where the raw body goes (e.g. `[`${t}.`, BODY]`). */
  readonly signed: readonly (string | typeof BODY)[];
}

/** Throws invalid_signature unless the MAC under one of `keys` equals one of the claim's candidates. */
export function checkMac(claim: MacClaim, keys: readonly (string | Buffer)[], rawBody: Buffer): void {
  const parts = claim.signed.map((part) => (part === BODY ? rawBody : part));
  const expected = keys.map((key) => hmac(claim.algorithm, key, ...parts));
  if (!anyMatch(expected, claim.candidates)) throw new WebhookRejection('invalid_signature', 'No matching signature');
}

/**
 * Reads a `key=value` list such as Stripe's `t=<ts>,v1=<hex>,v1=<hex>` or Paddle's `ts=<ts>;h1=<hex>`:
 * the timestamp's value, and every value under `macKey` that is hex (others are ignored).
 */
export function readKeyedHeader(
  header: string,
  separator: string,
  keys: { readonly timestamp: string; readonly mac: string },
): { timestamp: string | undefined; candidates: Buffer[] } {
  let timestamp: string | undefined;
  const candidates: Buffer[] = [];
  for (const item of header.split(separator)) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === keys.timestamp) timestamp = value;
    else if (key === keys.mac) {
      const bytes = fromHex(value);
      if (bytes) candidates.push(bytes);
    }
  }
  return { timestamp, candidates };
}

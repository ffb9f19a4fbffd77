import { createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

export function hmac(algorithm: HmacAlgorithm, key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Constant-time comparison of two byte strings. timingSafeEqual throws on different lengths, and the
 * length of a MAC is public anyway, so a length mismatch returns false straight away.
 */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when any expected MAC equals any candidate. Every pair is compared, so timing reveals no index. */
export function anyMatch(expected: readonly Buffer[], candidates: readonly Buffer[]): boolean {
  let found = false;
  for (const e of expected) for (const c of candidates) if (safeEqual(e, c)) found = true;
  return found;
}

/** Decodes hex strictly: returns undefined for odd length or non-hex characters. */
export function fromHex(text: string): Buffer | undefined {
  return /^(?:[0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** Decodes standard base64 strictly (padding optional): returns undefined for anything else. */
export function fromBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 ? bytes : undefined;
}

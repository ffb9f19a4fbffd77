import assert from 'node:assert/strict';
import { WebhookRejection, type RejectReason } from '../../../src/providers/rejection';
import type { Provider, VerifyContext, WebhookRequest } from '../../../src/providers/types';

/** A fixed clock: 2023-11-14T22:13:20Z. */
export const NOW_SECONDS = 1_700_000_000;
export const NOW = new Date(NOW_SECONDS * 1000);

export interface RequestParts {
  readonly body: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  readonly url?: string;
  readonly contentType?: string;
}

/** Builds a request the way the receiver hands it over: header names lower-cased. */
export function request(parts: RequestParts): WebhookRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parts.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    rawBody: Buffer.isBuffer(parts.body) ? parts.body : Buffer.from(parts.body, 'utf8'),
    headers,
    url: parts.url ?? 'https://hooks.example.com/sources/test',
    contentType: parts.contentType ?? 'application/json',
  };
}

/** Both steps the receiver takes, for a delivery whose body is in hand: the head's check, then the MAC's. */
export function verifyDelivery<Options, Claim>(provider: Provider<Options, Claim>, req: WebhookRequest, ctx: VerifyContext<Options>): void {
  provider.checkSignature(provider.readSignature(req, ctx), req, ctx);
}

export function context<Options>(
  secrets: readonly string[],
  options: Options,
  overrides: { readonly toleranceSeconds?: number; readonly now?: Date } = {},
): VerifyContext<Options> {
  return { secrets, options, toleranceSeconds: overrides.toleranceSeconds ?? 300, now: overrides.now ?? NOW };
}

/** Copy of `req` with some headers replaced; a header set to undefined is removed. */
export function withHeaders(req: WebhookRequest, changes: Readonly<Record<string, string | undefined>>): WebhookRequest {
  const headers: Record<string, string> = { ...req.headers };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = value;
  }
  return { ...req, headers };
}

export function withBody(req: WebhookRequest, body: string): WebhookRequest {
  return { ...req, rawBody: Buffer.from(body, 'utf8') };
}

/**
 * Asserts that `fn` throws a WebhookRejection with `reason`, and that its message repeats none of
 * `secretsAndSignatures` (rejection messages go back to the sender).
 */
export function assertRejects(fn: () => void, reason: RejectReason, secretsAndSignatures: readonly string[] = []): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof WebhookRejection, `expected a WebhookRejection (${reason}), got ${String(caught)}`);
  assert.equal(caught.reason, reason, `rejection message: ${caught.message}`);
  for (const value of secretsAndSignatures) {
    if (value.length >= 8) assert.ok(!caught.message.includes(value), 'rejection message leaks a secret or signature');
  }
}

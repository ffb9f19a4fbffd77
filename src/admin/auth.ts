import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import { safeEqual } from '../providers/crypto';

/** A request to /admin without a usable bearer token; answered 401 in src/receiver/answers.ts. */
export class AdminAuthRejection extends Error {
  constructor(readonly problem: 'missing_token' | 'invalid_token') {
    super(problem === 'missing_token' ? 'A bearer token is required' : 'The bearer token is not valid');
    this.name = 'AdminAuthRejection';
  }
}

/**
 * Lets a request through only with `Authorization: Bearer <token>`. Both sides are hashed before the
 * constant-time comparison: equal lengths, so not even the token's length leaks.
 */
export function bearerAuth(token: string): Middleware {
  const expected = sha256(token);
  return async (ctx, next) => {
    const match = /^bearer(?: +(.*))?$/i.exec(ctx.get('authorization').trim());
    if (!match) throw new AdminAuthRejection('missing_token');
    const given = (match[1] ?? '').trim();
    if (!given || !safeEqual(sha256(given), expected)) throw new AdminAuthRejection('invalid_token');
    await next();
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

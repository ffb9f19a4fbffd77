import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import { HttpRefusal } from '../http-refusal';
import type { Logger } from '../logger';
import { safeEqual } from '../providers/crypto';
import { FailureThrottle } from './failure-throttle';

export type AdminAuthProblem = 'missing_token' | 'invalid_token';

/** A request to /admin without a usable bearer token: 401. */
export class AdminAuthRejection extends HttpRefusal<AdminAuthProblem> {
  constructor(problem: AdminAuthProblem) {
    super(401, problem, problem === 'missing_token' ? 'A bearer token is required' : 'The bearer token is not valid', {
      'WWW-Authenticate': `Bearer realm="hookflow-admin"${problem === 'invalid_token' ? ', error="invalid_token"' : ''}`,
    });
  }
}

/** A request to /admin from an address with too many recent failures: 429. */
export class AdminAuthThrottled extends HttpRefusal<'too_many_failures'> {
  constructor(retryAfterSeconds: number) {
    super(429, 'too_many_failures', 'Too many failed authentications from this address; try again later', {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

/**
 * Enough for an operator's typos or a script retrying with a stale token, far too few to guess a
 * token of 16 or more characters; the cap bounds memory when many addresses fail.
 */
const THROTTLE = { maxFailures: 20, windowMs: 60_000, maxTracked: 10_000 } as const;

/** Long enough to recognise a probe, short enough that a path cannot flood the logs. */
const LOGGED_PATH_CHARS = 200;

/**
 * Lets a request through only with `Authorization: Bearer <token>`. Both sides are hashed before the
 * constant-time comparison: equal lengths, so not even the token's length leaks. Each failure is
 * logged (never the token given), and an address with too many failures in a minute is refused
 * with 429 before its token is even compared, until that minute is over.
 */
export function bearerAuth(token: string, logger: Logger): Middleware {
  const expected = sha256(token);
  const throttle = new FailureThrottle(THROTTLE);
  return async (ctx, next) => {
    const client = ctx.ip;
    const wait = throttle.retryAfterSeconds(client);
    if (wait > 0) throw new AdminAuthThrottled(wait);
    const problem = tokenProblem(ctx.get('authorization'), expected);
    if (problem) {
      const path = ctx.path.length > LOGGED_PATH_CHARS ? `${ctx.path.slice(0, LOGGED_PATH_CHARS)}…` : ctx.path;
      logger.warn({ client, method: ctx.method, path, reason: problem }, 'admin authentication failed');
      if (throttle.fail(client)) {
        logger.warn({ client, retryAfterSeconds: throttle.retryAfterSeconds(client) }, 'too many failed admin authentications; refusing this address for a while');
      }
      throw new AdminAuthRejection(problem);
    }
    throttle.succeed(client);
    await next();
  };
}

function tokenProblem(authorization: string, expected: Buffer): AdminAuthProblem | undefined {
  const match = /^bearer(?: +(.*))?$/i.exec(authorization.trim());
  if (!match) return 'missing_token';
  const given = (match[1] ?? '').trim();
  return given && safeEqual(sha256(given), expected) ? undefined : 'invalid_token';
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

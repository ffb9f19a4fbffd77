import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export type LogFormat = 'json' | 'pretty';

/**
 * Signature headers by provider, secrets and tokens: a safety net should one reach a log call by
 * mistake. Never log a secret, a signature or a body on purpose: this list is not a licence.
 */
const REDACT = [
  'secret',
  'secrets',
  '*.secret',
  '*.secrets',
  'token',
  '*.token',
  'headers.authorization',
  'headers.cookie',
  'headers["stripe-signature"]',
  'headers["webhook-signature"]',
  'headers["svix-signature"]',
  'headers["x-hub-signature"]',
  'headers["x-hub-signature-256"]',
  'headers["x-shopify-hmac-sha256"]',
  'headers["x-slack-signature"]',
  'headers["x-twilio-signature"]',
  'headers["paddle-signature"]',
  'headers["linear-signature"]',
];

/**
 * JSON lines, one per log call; lines about an event carry `source`, `eventId` and `workflowId`.
 * `pretty` is for a developer's terminal (synchronous, so nothing is lost at exit).
 */
export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  const options = { level, base: { service: 'hookflow' }, redact: { paths: REDACT, censor: '[redacted]' } };
  if (format === 'json') return pino(options);
  return pino(options, pretty({ sync: true, colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
}

/** LOG_FORMAT when set; otherwise pretty on a terminal outside production, JSON everywhere else. */
export function logFormat(env: { readonly LOG_FORMAT?: LogFormat | undefined; readonly NODE_ENV?: string | undefined }): LogFormat {
  if (env.LOG_FORMAT) return env.LOG_FORMAT;
  return process.stdout.isTTY && env.NODE_ENV !== 'production' ? 'pretty' : 'json';
}

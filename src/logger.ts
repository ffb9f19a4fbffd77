import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines, one per log call. Never log a secret, a signature or a body: the redaction below is
 * a safety net for header objects, not a licence.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'hookflow' },
    redact: {
      paths: ['headers.authorization', 'headers["stripe-signature"]', 'headers["webhook-signature"]', 'secret', 'secrets'],
      censor: '[redacted]',
    },
  });
}

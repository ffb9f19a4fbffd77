import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { CREDENTIAL_HEADERS } from './event/credential-headers';
import { providers } from './providers';

export type { Logger };

export type LogFormat = 'json' | 'pretty';

/**
 * Credential and signature headers, secrets, tokens and Temporal credentials: a safety net should one
 * reach a log call by mistake. Never log a secret, a signature or a body on purpose: this list is not a
 * licence. The header names come from their one definition each (the stored-event redaction list and
 * the providers), so a header added there is redacted here too.
 */
const REDACT_HEADERS = [...CREDENTIAL_HEADERS, ...Object.values(providers).flatMap((provider) => provider.signatureHeaders)];
const REDACT = [
  'secret',
  'secrets',
  '*.secret',
  '*.secrets',
  'token',
  '*.token',
  // Temporal Cloud's API key and the private key of an mTLS client certificate.
  'apiKey',
  '*.apiKey',
  'clientCertPair.key',
  '*.clientCertPair.key',
  'tls.clientCertPair.key',
  '*.tls.clientCertPair.key',
  ...REDACT_HEADERS.map((name) => `headers["${name}"]`),
];

/**
 * JSON lines, one per log call; lines about an event carry `source`, `eventId` and `workflowId`.
 * `pretty` is for a developer's terminal (synchronous, so nothing is lost at exit). JSON goes to
 * stdout unless a `destination` is given.
 */
export function createLogger(level: string, format: LogFormat = 'json', destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'hookflow' }, redact: { paths: REDACT, censor: '[redacted]' } };
  if (format === 'json') return destination ? pino(options, destination) : pino(options);
  return pino(options, pretty({ sync: true, colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
}

/** LOG_FORMAT when set; otherwise pretty on a terminal outside production, JSON everywhere else. */
export function logFormat(env: { readonly LOG_FORMAT?: LogFormat | undefined; readonly NODE_ENV?: string | undefined }): LogFormat {
  if (env.LOG_FORMAT) return env.LOG_FORMAT;
  return process.stdout.isTTY && env.NODE_ENV !== 'production' ? 'pretty' : 'json';
}

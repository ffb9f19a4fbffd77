import type { StoredHeader } from '../store/events';

/**
 * Request headers senders put credentials in: HTTP authentication (Basic credentials from a
 * `https://user:pass@host/...` webhook URL arrive as `Authorization`), cookies, and the usual API-key
 * and token headers, including plain shared-secret tokens some senders send instead of a signature
 * (GitLab's `X-Gitlab-Token`, Asana's `X-Hook-Secret`). Their values are replaced by REDACTED before
 * an event is stored, so they never reach the store, the admin API, the CLI, handlers or forwards.
 * A source extends the list with `redactHeaders`. Lower-case names.
 */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-access-token',
  'x-amz-security-token',
  'x-gitlab-token',
  'x-hook-secret',
  'x-webhook-secret',
  'x-webhook-token',
]);

/** What a redacted header's value is stored as. */
export const REDACTED = '[redacted]';

/**
 * The headers as they are stored: every name kept (a list, since names may hold characters MongoDB
 * keys may not), the value of each header in `redact` (lower-case names) replaced by REDACTED.
 */
export function storedHeaders(headers: Readonly<Record<string, string>>, redact: ReadonlySet<string>): StoredHeader[] {
  return Object.entries(headers).map(([name, value]) => ({ name, value: redact.has(name) ? REDACTED : value }));
}

/*
 * What an HTTP destination's answer means for the delivery. Pure functions, unit-tested.
 */

/** delivered: done. retry: try again later. reject: trying again cannot help. */
export type Disposition = 'delivered' | 'retry' | 'reject';

/** A Retry-After longer than this is cut to it: the retry policy's expiry still applies on top. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * 2xx is delivered. 408 (timeout), 429 (rate limit) and 5xx are worth retrying; every other status,
 * redirects included (a POST is not replayed elsewhere), is a permanent refusal.
 */
export function disposition(status: number): Disposition {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'reject';
}

/**
 * The delay a `Retry-After` header asks for, in ms: delay-seconds or an HTTP date (RFC 9110 10.2.3).
 * Undefined when absent or unreadable; a date in the past gives 0.
 */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  let ms: number;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else {
    const at = Date.parse(value);
    // Date.parse also reads bare numbers and ISO strings; an HTTP date names the weekday or month.
    if (Number.isNaN(at) || !/[A-Za-z]/.test(value)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

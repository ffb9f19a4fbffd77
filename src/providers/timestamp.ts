import { WebhookRejection } from './rejection';

/**
 * Parses a signed Unix timestamp (seconds) and checks it lies within `toleranceSeconds` of `now`,
 * in both directions: a timestamp from the future is as suspicious as a stale one.
 */
export function checkTimestamp(value: string | undefined, toleranceSeconds: number, now: Date): number {
  if (value === undefined || value === '') throw new WebhookRejection('missing_timestamp', 'Missing timestamp');
  if (!/^\d{1,12}$/.test(value)) throw new WebhookRejection('malformed_timestamp', 'Malformed timestamp');
  const seconds = Number(value);
  const skew = seconds - Math.floor(now.getTime() / 1000);
  if (skew < -toleranceSeconds) throw new WebhookRejection('timestamp_too_old', 'Timestamp too old');
  if (skew > toleranceSeconds) throw new WebhookRejection('timestamp_in_future', 'Timestamp in the future');
  return seconds;
}

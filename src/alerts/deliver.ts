import { disposition } from '../../activities/http-outcome';
import type { NotifierConfig } from '../config/alerts';
import { postOnce } from '../http-post';
import { sign } from '../providers/standard-webhooks';
import type { Digest } from './digest';
import { slackMessage, webhookMessage, type AlertLinks } from './messages';

export type DeliveryOutcome = { readonly ok: true } | { readonly ok: false; readonly retryable: boolean; readonly reason: string };

/**
 * POSTs one message to a notifier: Slack's JSON, or hookflow's own JSON signed with Standard
 * Webhooks like a forward (`webhook-id` is `messageId`, the same on every retry). The outcome's
 * reason names a status or an error code, never the URL (a Slack URL is a credential).
 */
export async function deliverDigest(
  notifier: NotifierConfig,
  messageId: string,
  digest: Digest,
  links: AlertLinks,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const message = notifier.kind === 'slack' ? slackMessage(digest, links) : webhookMessage(notifier.name, digest, links);
  const body = JSON.stringify(message);
  const headers = new Headers({ 'content-type': 'application/json', 'user-agent': 'hookflow' });
  if (notifier.kind === 'webhook') {
    const timestamp = String(Math.floor(Date.now() / 1000));
    headers.set('webhook-id', messageId);
    headers.set('webhook-timestamp', timestamp);
    headers.set('webhook-signature', sign(notifier.secret, messageId, timestamp, body));
  }
  const outcome = await postOnce(notifier.url, headers, body, signal);
  if ('networkError' in outcome) return { ok: false, retryable: true, reason: `network error: ${outcome.networkError}` };
  const verdict = disposition(outcome.status);
  if (verdict === 'delivered') return { ok: true };
  return { ok: false, retryable: verdict === 'retry', reason: `answered HTTP ${outcome.status}` };
}


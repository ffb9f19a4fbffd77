/**
 * Signs bench deliveries as each provider does, so the receiver's real verifiers accept them.
 * Done before any clock starts: the load tools only replay the prepared bytes.
 */
import { hmac } from '../src/providers/crypto';
import { sign } from '../src/providers/standard-webhooks';

export type BenchProvider = 'standard-webhooks' | 'stripe' | 'github';

export interface SignedParts {
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface EventParts {
  readonly id: string;
  readonly type: string;
  /** Seconds since the epoch, for providers that sign a timestamp. */
  readonly timestamp: number;
  /** Filler that brings the body to a realistic size. */
  readonly padding: string;
}

const JSON_TYPE = 'application/json';

export function signStandardWebhooks(secret: string, e: EventParts): SignedParts {
  const body = JSON.stringify({ type: e.type, timestamp: new Date(e.timestamp * 1000).toISOString(), data: { id: e.id, note: e.padding } });
  const headers = { 'content-type': JSON_TYPE, 'webhook-id': e.id, 'webhook-timestamp': String(e.timestamp), 'webhook-signature': sign(secret, e.id, e.timestamp, body) };
  return { headers, body };
}

export function signStripe(secret: string, e: EventParts): SignedParts {
  const body = JSON.stringify({ id: e.id, object: 'event', type: e.type, created: e.timestamp, data: { object: { id: `pi_${e.id}`, description: e.padding } } });
  const signature = hmac('sha256', secret, `${e.timestamp}.`, body).toString('hex');
  return { headers: { 'content-type': JSON_TYPE, 'stripe-signature': `t=${e.timestamp},v1=${signature}` }, body };
}

export function signGithub(secret: string, e: EventParts): SignedParts {
  const [event = 'push', action = 'created'] = e.type.split('.');
  // GitHub signs only the body, so identical bodies are duplicates whatever their delivery IDs; real ones differ per event.
  const body = JSON.stringify({ action, after: e.id, repository: { full_name: 'hookflow/bench' }, sender: { login: 'bench' }, note: e.padding });
  const signature = hmac('sha256', secret, body).toString('hex');
  const headers = { 'content-type': JSON_TYPE, 'x-github-delivery': e.id, 'x-github-event': event, 'x-hub-signature-256': `sha256=${signature}` };
  return { headers, body };
}

export const signers: Record<BenchProvider, (secret: string, e: EventParts) => SignedParts> = {
  'standard-webhooks': signStandardWebhooks,
  stripe: signStripe,
  github: signGithub,
};

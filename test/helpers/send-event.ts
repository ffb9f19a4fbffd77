import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { post } from './http';

export interface SentEvent {
  readonly eventId: string;
  /** Also the stored event's `_id`. */
  readonly workflowId: string;
  readonly body: string;
}

/**
 * Sends `payload` to a `standard-webhooks` source as its sender would, signed with the reference
 * library, and checks the receiver accepted it.
 */
export async function sendEvent(
  baseUrl: string,
  source: string,
  secret: string,
  payload: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<SentEvent> {
  const eventId = `msg_${randomUUID()}`;
  const body = JSON.stringify(payload);
  const timestamp = new Date();
  const answer = await post(`${baseUrl}/webhooks/${source}`, body, {
    ...extraHeaders,
    'content-type': 'application/json',
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(eventId, timestamp, body),
  });
  assert.equal(answer.status, 202, `receiver answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return { eventId, workflowId: `${source}:${eventId}`, body };
}

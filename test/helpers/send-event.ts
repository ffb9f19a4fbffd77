import assert from 'node:assert/strict';
import { post } from './http';
import { signStandard } from './signed-event';

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
  const { id: eventId, body, headers } = signStandard(secret, JSON.stringify(payload));
  const answer = await post(`${baseUrl}/webhooks/${source}`, body, { ...extraHeaders, ...headers });
  assert.equal(answer.status, 202, `receiver answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return { eventId, workflowId: `${source}:${eventId}`, body };
}

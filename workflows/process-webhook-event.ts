import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { WebhookStatus } from '../src/temporal/search-attributes';
import type { WebhookEventInput, WebhookEventResult } from './types';

const { setEventStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** One run per webhook event; its workflow ID is the event's `<source>:<eventId>`. */
export async function processWebhookEvent(input: WebhookEventInput): Promise<WebhookEventResult> {
  await setEventStatus(input.ref, 'processed');
  upsertSearchAttributes([{ key: WebhookStatus, value: 'processed' }]);
  return { status: 'processed' };
}

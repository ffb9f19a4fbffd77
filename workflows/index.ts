export { processWebhookEvent } from './process-webhook-event';

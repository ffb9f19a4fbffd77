export { processWebhookEvent } from './process-webhook-event';
export { sequenceOrderingKey } from './sequence-ordering-key';
export { handlerPermits } from './handler-permits';
export { handlerBreaker } from './handler-breaker';

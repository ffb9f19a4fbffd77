export { processWebhookEvent } from './process-webhook-event';
export { sequenceOrderingKey } from './sequence-ordering-key';
export { notifyOperators } from './notify-operators';
export { watchBacklog } from './watch-backlog';
export { handlerPermits } from './handler-permits';
export { handlerBreaker } from './handler-breaker';

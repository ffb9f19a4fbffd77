import { WorkflowExecutionAlreadyStartedError, type WorkflowClientInterceptor } from '@temporalio/client';
import type { Histogram } from 'prom-client';

/**
 * Times every workflow start made through the client (the receiver's and the relay's alike):
 * `started`, `already_started` (a redelivery or a second relay), or `failed` (Temporal down or slow).
 */
export function startLatencyInterceptor(histogram: Histogram<'outcome'>): WorkflowClientInterceptor {
  return {
    async startWithDetails(input, next) {
      const end = histogram.startTimer();
      try {
        const output = await next(input);
        end({ outcome: 'started' });
        return output;
      } catch (err) {
        end({ outcome: err instanceof WorkflowExecutionAlreadyStartedError ? 'already_started' : 'failed' });
        throw err;
      }
    },
  };
}

import type { BreakerState } from '../../workflows/breaker';

/*
 * The facts flow control produces that others act on (alerts, dashboards). Each has one producer:
 * a breaker's changes come from its breaker workflow through the `applyBreaker` activity
 * (activities/index.ts), once per change; handler backlogs from `describeHandlerFlows`
 * (queue-limits.ts), which the metrics read.
 */

/** A handler's circuit breaker changed state; its task queue already holds or lets attempts go accordingly. */
export interface BreakerChange {
  readonly handler: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** ISO 8601. */
  readonly at: string;
}

/** Told of every fact as it happens, in the worker that produced it. */
export interface FlowFacts {
  breakerChanged(change: BreakerChange): Promise<void>;
}

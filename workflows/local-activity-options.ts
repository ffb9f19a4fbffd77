import type { LocalActivityOptions } from '@temporalio/workflow';

/**
 * The options of every workflow's local activities (routing, status updates, signals to other
 * workflows). Routing and status updates are short MongoDB calls: as local activities they run inside the
 * workflow task that needs them, instead of each costing the Temporal server a scheduled, started
 * and completed activity plus one more workflow task (the server is the bottleneck under load, see
 * bench/README.md). Handlers stay ordinary activities: they need their own retries, timeouts and
 * heartbeats, visible in the UI.
 */
export const LOCAL_ACTIVITY_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  // A local activity retries inside the workflow task, holding one of the worker's workflow task
  // slots; while MongoDB is down that would stall every run. Past the first retry, wait on a
  // server timer instead and free the slot.
  localRetryThreshold: '1 second',
};

import { condition, continueAsNew, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { LOCAL_ACTIVITY_OPTIONS } from './local-activity-options';
import type { BreakerSettings } from '../src/config/handlers';
import { Breaker, type BreakerMemory, type BreakerState, type OutcomeBatch } from './breaker';
import { breakerQuery, outcomesSignal } from './definitions';

const { applyBreaker } = proxyLocalActivities<Activities>(LOCAL_ACTIVITY_OPTIONS);

export interface HandlerBreakerInput {
  readonly handler: string;
  readonly settings: BreakerSettings;
  /** Carried over by continue-as-new; a new breaker starts closed. */
  readonly memory?: BreakerMemory;
}

/** A report per worker and second at most: some 4 history events each. */
const BATCHES_PER_RUN = 1000;

/**
 * The circuit breaker of one handler (workflow ID `breaker:<event task queue>:<handler>`), started
 * by the first worker's report (signal-with-start): the one owner of the handler's outcome counts.
 * It opens when the handler's attempts fail (breaker.ts), which holds the handler's task queue at a
 * rate of 0 like an operator's pause; at the probe time it lets one attempt through (half-open); a
 * success closes it and releases the queue, a failure reopens it with twice the wait. It ends once
 * closed with nothing left to count.
 */
export async function handlerBreaker(input: HandlerBreakerInput): Promise<void> {
  const breaker = new Breaker(input.settings, input.memory);
  const inbox: OutcomeBatch[] = [];
  setHandler(outcomesSignal, (batch) => void inbox.push(batch));
  setHandler(breakerQuery, () => breaker.memory());

  async function changed(from: BreakerState, to: BreakerState | undefined): Promise<void> {
    if (to !== undefined && to !== from) await applyBreaker(input.handler, from, to);
  }

  let batches = 0;
  for (;;) {
    while (inbox.length > 0) {
      const batch = inbox.shift();
      if (!batch) break;
      batches += 1;
      const from = breaker.current;
      await changed(from, breaker.record(batch, Date.now()));
    }
    const from = breaker.current;
    await changed(from, breaker.probeDue(Date.now()));
    if (inbox.length > 0) continue;
    if (batches >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof handlerBreaker>({ handler: input.handler, settings: input.settings, memory: breaker.memory() });
    }
    const probeAt = breaker.nextProbeAtMs;
    if (probeAt !== null) {
      await condition(() => inbox.length > 0, Math.max(1, probeAt - Date.now()));
    } else if (breaker.current === 'closed') {
      // Ends once nothing is counted any more (the window is empty): the next report starts a new one.
      if (!(await condition(() => inbox.length > 0, input.settings.windowMs)) && breaker.forgotten(Date.now())) return;
    } else {
      await condition(() => inbox.length > 0);
    }
  }
}

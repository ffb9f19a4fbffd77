import { condition, continueAsNew, getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { permitSignal, permitsQuery, releasePermitSignal, requestPermitSignal } from './definitions';
import { PermitPool, type PermitPoolState } from './permit-pool';

export interface HandlerPermitsInput {
  readonly handler: string;
  /** The pool carried over by continue-as-new; a new permit workflow starts empty. */
  readonly state?: PermitPoolState;
}

/** Some 10 history events per permit (request, grant, release, their workflow tasks): about 2,500 per run. */
const GRANTS_PER_RUN = 250;
/** How long an idle permit workflow stays open for the next request before it completes. */
const IDLE_LINGER_MS = 60_000;
/** While runs wait and every permit is taken, how often the holders are checked to still exist. */
const HOLDER_CHECK_MS = 60_000;

/**
 * The permits of one handler (workflow ID `permits:<event task queue>:<handler>`, started by the
 * first request's signal-with-start): at most `limit` event runs hold one at a time, whichever
 * worker runs them, and the others wait in the order they asked. A run holds its permit from before
 * its handler activity is scheduled until the activity ends, retries included, so the destination
 * never sees more than `limit` attempts at once. A holder that is gone (terminated) is found when
 * runs wait: a permit signal to it fails, and its permit is freed.
 */
export async function handlerPermits(input: HandlerPermitsInput): Promise<void> {
  const pool = new PermitPool(input.state ?? { limit: 1, holders: [], waiting: [] });
  const outbox = new Set<string>();
  let changes = 0;
  setHandler(requestPermitSignal, ({ ref, limit }) => {
    if (pool.request(ref, limit)) outbox.add(ref);
    changes += 1;
  });
  setHandler(releasePermitSignal, ({ ref }) => {
    pool.release(ref);
    outbox.delete(ref);
    changes += 1;
  });
  setHandler(permitsQuery, () => pool.state());

  /** Tells each run of the outbox it holds a permit; a run that is gone gives its permit back. */
  async function tell(): Promise<void> {
    const refs = [...outbox];
    outbox.clear();
    await Promise.all(
      refs.map(async (ref) => {
        try {
          await getExternalWorkflowHandle(ref).signal(permitSignal, { handler: input.handler });
        } catch (err) {
          log.warn('a permit holder is gone; its permit is free again', { ref, error: String(err) });
          pool.release(ref);
          changes += 1;
        }
      }),
    );
  }

  let granted = 0;
  for (;;) {
    for (const ref of pool.grant()) {
      outbox.add(ref);
      granted += 1;
    }
    if (outbox.size > 0) {
      await tell();
      continue;
    }
    if (granted >= GRANTS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      // Signals that arrive while this task completes fail the completion; the task then runs
      // again with them, so none is lost between this run and the next.
      await continueAsNew<typeof handlerPermits>({ handler: input.handler, state: pool.state() });
    }
    const seen = changes;
    const changed = () => changes !== seen || outbox.size > 0;
    if (pool.idle()) {
      if (!(await condition(changed, IDLE_LINGER_MS))) return;
    } else if (pool.congested()) {
      if (!(await condition(changed, HOLDER_CHECK_MS))) for (const ref of pool.holding()) outbox.add(ref);
    } else {
      await condition(changed);
    }
  }
}

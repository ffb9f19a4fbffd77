import { condition, getExternalWorkflowHandle, log, proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { formatDuration } from '../src/config/duration';
import { WebhookOrderingKey, WebhookStatus } from '../src/temporal/search-attributes';
import { discardSignal, finishedSignal, permitSignal, redeliverSignal, statusQuery, turnSignal } from './definitions';
import { EventTracker } from './event-tracker';
import { runHandlerActivity } from './handler-activity';
import { raiseAlert } from './raise-alert';
import { withHandlerPermit } from './handler-permit';
import { LOCAL_ACTIVITY_OPTIONS } from './local-activity-options';
import type { OrderingPlan, WebhookEventInput, WebhookEventResult } from './types';

const { routeEvent, setEventStatus, enqueueForTurn } = proxyLocalActivities<Activities>(LOCAL_ACTIVITY_OPTIONS);

type Status = WebhookEventResult['status'] | 'processing';

/**
 * One run per webhook event; its workflow ID is the event's `<source>:<eventId>`. Routes the event,
 * runs its handlers in parallel, and when one fails for good waits for an operator's `redeliver`
 * or `discard` (definitions.ts) before giving up as failed. An event with an ordering key first
 * waits for its key's turn (sequence-ordering-key.ts) and gives the turn back when it ends, or,
 * with `onFailure: skip`, when it fails.
 */
export async function processWebhookEvent(input: WebhookEventInput): Promise<WebhookEventResult> {
  const tracker = new EventTracker();
  setHandler(statusQuery, () => tracker.status());
  setHandler(redeliverSignal, (request) => tracker.requestRedelivery(request?.handler));
  setHandler(discardSignal, (request) => tracker.requestDiscard(request?.reason));
  setHandler(turnSignal, (notice) => tracker.position(notice));
  setHandler(permitSignal, ({ handler }) => tracker.permitGranted(handler));
  // The start already sets WebhookStatus = "processing".
  let shownStatus: Status = 'processing';

  /** The WebhookStatus search attribute, upserted only when it changes: each upsert is one more visibility write for the server. */
  function showStatus(status: Status): void {
    if (status !== shownStatus) upsertSearchAttributes([{ key: WebhookStatus, value: status }]);
    shownStatus = status;
  }
  /**
   * The run routed the event itself (it is no reset of an earlier run, whose history it would
   * replay without running its activities again), and routing wrote "processing". From then on the
   * run is the event's one writer and writes no finished status before its last, so retention
   * cannot expire the event: MongoDB holds the status the run wrote last, and a status write need
   * not look it up first.
   */
  const routedHere = workflowInfo().runId === workflowInfo().originalExecutionRunId;
  /** MongoDB and the WebhookStatus search attribute always say the same. */
  async function setStatus(status: Status, note?: string): Promise<void> {
    const written = shownStatus;
    showStatus(status);
    await setEventStatus(input.ref, status, note, routedHere ? written : undefined);
  }
  /** The key's sequencer, once the event has taken its place in the queue; undefined again once the place is given back. */
  let heldSequencer: string | undefined;

  async function waitForTurn(ordering: OrderingPlan): Promise<void> {
    tracker.queue(ordering.key);
    upsertSearchAttributes([{ key: WebhookOrderingKey, value: ordering.key }]);
    heldSequencer = ordering.sequencerId;
    await enqueueForTurn(ordering.sequencerId, { ref: input.ref, receivedAtMs: Date.parse(input.receivedAt), reorderWindowMs: ordering.reorderWindowMs });
    await condition(() => tracker.hasTurn() || tracker.discardRequested);
  }
  /** Lets the next event of the key go. A sequencer that is gone (terminated) holds nobody back. */
  async function releaseTurn(): Promise<void> {
    if (heldSequencer === undefined) return;
    const sequencerId = heldSequencer;
    heldSequencer = undefined;
    try {
      await getExternalWorkflowHandle(sequencerId).signal(finishedSignal, { ref: input.ref });
    } catch (err) {
      log.warn('the ordering key sequencer is gone', { sequencerId, error: String(err) });
    }
  }
  async function finish(status: WebhookEventResult['status'], note?: string): Promise<WebhookEventResult> {
    tracker.finish(status);
    await setStatus(status, note);
    await releaseTurn();
    return { status };
  }
  const discarded = (): Promise<WebhookEventResult> => finish('discarded', tracker.discardReason ?? 'discarded by an operator');

  // Routing also records the event in MongoDB as processing, or as ignored when no route matches.
  const plan = await routeEvent(input.ref);
  if (plan.handlers.length === 0) {
    tracker.finish('ignored');
    showStatus('ignored');
    return { status: 'ignored' };
  }
  tracker.plan(plan.handlers);
  if (plan.ordering) await waitForTurn(plan.ordering);

  let handlers = plan.handlers;
  for (;;) {
    if (tracker.discardRequested) return discarded();
    await tracker.runRound(handlers, (handler) => withHandlerPermit(input.ref, handler, tracker, () => runHandlerActivity(input.ref, handler)));
    if (tracker.discardRequested) return discarded();
    if (tracker.allSucceeded()) return finish('processed');

    tracker.waitForOperator(Date.now() + plan.waitForOperatorMs);
    await setStatus('failed', tracker.failureSummary());
    await raiseAlert({ kind: 'event_parked', ref: input.ref, source: input.source, handlers: tracker.unsucceeded() });
    if (plan.ordering?.onFailure === 'skip') await releaseTurn();
    if (!(await condition(() => tracker.hasOperatorRequest(), plan.waitForOperatorMs))) {
      return finish('failed', `no redeliver or discard within ${formatDuration(plan.waitForOperatorMs)}`);
    }
    if (tracker.discardRequested) return discarded();
    handlers = tracker.takeRedelivery();
    await setStatus('processing', `redelivery of ${handlers.map((h) => h.name).join(', ')}`);
  }
}

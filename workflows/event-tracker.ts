import { CancellationScope, isCancellation, log } from '@temporalio/workflow';
import { ActivityFailure } from '@temporalio/common';
import type { PositionNotice } from './key-queue';
import type { EventProcessingStatus, HandlerState, HandlerStatus, PlannedHandler } from './types';

/** An ordered event's place: its key, whom it waits behind, and whether it has had its turn. */
interface Place {
  readonly key: string;
  waitingBehind: string | null;
  turn: boolean;
}

interface Tracked {
  readonly plan: PlannedHandler;
  state: HandlerState;
  runs: number;
  lastError?: string;
  /** Concurrency permit: asked for and not granted yet, or held. */
  permit?: 'waiting' | 'held';
}

type Phase = EventProcessingStatus['status'];

/**
 * The state of one event's run, handler by handler: what the `status` query reports and what the
 * operator's signals change. Plain workflow state, rebuilt the same way on every replay.
 */
export class EventTracker {
  private phase: Phase = 'routing';
  private readonly handlers = new Map<string, Tracked>();
  private waitingUntilMs: number | undefined;
  private redelivery: Set<string> | undefined;
  private round: CancellationScope | undefined;
  private finished = false;
  private ordering: Place | undefined;
  discardReason: string | undefined;
  discardRequested = false;

  plan(handlers: readonly PlannedHandler[]): void {
    for (const plan of handlers) this.handlers.set(plan.name, { plan, state: 'pending', runs: 0 });
  }

  /** The event waits for its ordering key's turn. */
  queue(key: string): void {
    this.phase = 'queued';
    this.ordering = { key, waitingBehind: null, turn: false };
  }

  /** What the key's sequencer says: whom the event waits behind, or that it has the turn (for good). */
  position(notice: PositionNotice): void {
    if (!this.ordering || this.ordering.turn) return;
    this.ordering.turn = notice.turn;
    this.ordering.waitingBehind = notice.behind;
  }

  hasTurn(): boolean {
    return this.ordering?.turn === true;
  }

  /** The handler waits for one of its concurrency permits. */
  awaitPermit(name: string): void {
    const tracked = this.handlers.get(name);
    if (tracked) tracked.permit = 'waiting';
  }

  /** The handler's permit workflow says it holds a permit (again, when it checks the run exists). */
  permitGranted(name: string): void {
    const tracked = this.handlers.get(name);
    if (tracked?.permit === 'waiting') tracked.permit = 'held';
  }

  hasPermit(name: string): boolean {
    return this.handlers.get(name)?.permit === 'held';
  }

  permitReleased(name: string): void {
    const tracked = this.handlers.get(name);
    if (tracked) delete tracked.permit;
  }

  /** Runs the handlers in parallel; each one's failure is recorded, never thrown. `discard` cancels the round. */
  async runRound(handlers: readonly PlannedHandler[], run: (handler: PlannedHandler) => Promise<void>): Promise<void> {
    this.phase = 'processing';
    this.waitingUntilMs = undefined;
    const scope = new CancellationScope();
    this.round = scope;
    try {
      await scope.run(() => Promise.all(handlers.map((plan) => this.runOne(plan, run))));
    } finally {
      this.round = undefined;
    }
  }

  private async runOne(plan: PlannedHandler, run: (handler: PlannedHandler) => Promise<void>): Promise<void> {
    const tracked = this.handlers.get(plan.name) ?? { plan, state: 'pending', runs: 0 };
    this.handlers.set(plan.name, tracked);
    tracked.state = 'running';
    tracked.runs += 1;
    delete tracked.lastError;
    try {
      await run(plan);
      tracked.state = 'succeeded';
    } catch (err) {
      tracked.state = isCancellation(err) ? 'cancelled' : 'failed';
      tracked.lastError = failureMessage(err);
    }
  }

  allSucceeded(): boolean {
    return [...this.handlers.values()].every((h) => h.state === 'succeeded');
  }

  /** One line for MongoDB's status note: which handlers failed and why. */
  failureSummary(): string {
    return [...this.handlers.values()]
      .filter((h) => h.state !== 'succeeded')
      .map((h) => `${h.plan.name}: ${h.lastError ?? h.state}`)
      .join('; ');
  }

  /** The handlers that did not succeed (failed, or cancelled): what a redelivery runs again. */
  unsucceeded(): string[] {
    return [...this.handlers.values()].filter((h) => h.state !== 'succeeded').map((h) => h.plan.name);
  }

  waitForOperator(untilMs: number): void {
    this.phase = 'failed';
    this.waitingUntilMs = untilMs;
  }

  hasOperatorRequest(): boolean {
    return this.discardRequested || this.redelivery !== undefined;
  }

  /** Only a failed event can be redelivered, and only its handlers that did not succeed. */
  requestRedelivery(handler: string | undefined): void {
    if (this.phase !== 'failed' || this.waitingUntilMs === undefined) {
      log.warn('redeliver ignored: the event is not waiting for an operator', { phase: this.phase });
      return;
    }
    const retryable = this.unsucceeded();
    if (handler !== undefined && !retryable.includes(handler)) {
      log.warn('redeliver ignored: no failed handler of that name', { handler, failed: retryable });
      return;
    }
    this.redelivery ??= new Set();
    for (const name of handler === undefined ? retryable : [handler]) this.redelivery.add(name);
  }

  /** The handlers to run again, and forgets the request. */
  takeRedelivery(): PlannedHandler[] {
    const names = this.redelivery ?? new Set<string>();
    this.redelivery = undefined;
    return [...this.handlers.values()].filter((h) => names.has(h.plan.name)).map((h) => h.plan);
  }

  /** Ends the event at the next step; handlers still running are cancelled. */
  requestDiscard(reason: string | undefined): void {
    if (this.finished) return;
    this.discardRequested = true;
    this.discardReason = reason;
    this.round?.cancel();
  }

  finish(status: 'processed' | 'ignored' | 'failed' | 'discarded'): void {
    this.phase = status;
    this.waitingUntilMs = undefined;
    this.finished = true;
  }

  status(): EventProcessingStatus {
    const handlers: HandlerStatus[] = [...this.handlers.values()].map((h) => ({
      name: h.plan.name,
      kind: h.plan.kind,
      state: h.state,
      runs: h.runs,
      ...(h.lastError === undefined ? {} : { lastError: h.lastError }),
      ...(h.permit === 'waiting' ? { waitingFor: 'permit' as const } : {}),
    }));
    return {
      status: this.phase,
      handlers,
      ...(this.waitingUntilMs === undefined ? {} : { waitingUntil: new Date(this.waitingUntilMs).toISOString() }),
      ...(this.discardReason === undefined ? {} : { discardReason: this.discardReason }),
      ...(this.ordering === undefined ? {} : { ordering: this.orderingStatus(this.ordering) }),
    };
  }

  private orderingStatus(ordering: Place): EventProcessingStatus['ordering'] {
    return this.phase === 'queued' ? { key: ordering.key, waitingBehind: ordering.waitingBehind } : { key: ordering.key };
  }
}

/** The activity's own message (HTTP status, handler error, timeout), not the wrapper's "Activity task failed". */
function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/*
 * The queue of one ordering key, apart from Temporal: which event holds the key's turn, which wait,
 * and in what order. The sequencer workflow (sequence-ordering-key.ts) keeps one and sends the
 * notices it returns; its state goes through continue-as-new as plain JSON.
 */

/** One event's place in its key's queue. */
export interface QueuedEvent {
  /** The event's `<source>:<eventId>`, also its run's workflow ID. */
  readonly ref: string;
  /** When hookflow received the event: the order of the queue. */
  readonly receivedAtMs: number;
  /** How long after `receivedAtMs` the event waits for events received before it to join the queue. */
  readonly reorderWindowMs: number;
}

export interface KeyQueueState {
  /** The event whose handlers run now, if any. */
  readonly active: QueuedEvent | null;
  /** Waiting, in receipt order. */
  readonly waiting: readonly QueuedEvent[];
}

/**
 * Tells the run of `ref` it has its turn, or whom it waits behind (null: nobody, only its reorder
 * window). Also the shape of the signal the sequencer sends.
 */
export interface PositionNotice {
  readonly ref: string;
  readonly turn: boolean;
  readonly behind: string | null;
}

/** What the queue should do next. */
export type NextStep =
  | { readonly kind: 'grant'; readonly event: QueuedEvent }
  /** The head's reorder window is still open: ask again at `atMs`. */
  | { readonly kind: 'due'; readonly atMs: number }
  /** An event holds the turn: wait for it to finish. */
  | { readonly kind: 'busy' }
  | { readonly kind: 'idle' };

function receivedBefore(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.receivedAtMs < b.receivedAtMs || (a.receivedAtMs === b.receivedAtMs && a.ref < b.ref);
}

export class KeyQueue {
  private active: QueuedEvent | null;
  private readonly waiting: QueuedEvent[];

  constructor(state: KeyQueueState = { active: null, waiting: [] }) {
    this.active = state.active;
    this.waiting = [...state.waiting];
  }

  /**
   * Places the event by its receipt time (ties by ref), among the waiting ones: an event that
   * reaches the queue late still goes before those received after it that have not had their
   * turn. An event already queued or holding the turn keeps its one place, and is told it again
   * (a run reset to its start enqueues again, and may have lost the turn signal).
   */
  enqueue(event: QueuedEvent): PositionNotice[] {
    if (this.active?.ref === event.ref) return [{ ref: event.ref, turn: true, behind: null }];
    const queued = this.waiting.findIndex((e) => e.ref === event.ref);
    if (queued !== -1) return [{ ref: event.ref, turn: false, behind: this.predecessorOf(queued) }];
    const at = this.waiting.findIndex((e) => receivedBefore(event, e));
    const index = at === -1 ? this.waiting.length : at;
    this.waiting.splice(index, 0, event);
    const notices: PositionNotice[] = [{ ref: event.ref, turn: false, behind: this.predecessorOf(index) }];
    const successor = this.waiting[index + 1];
    if (successor) notices.push({ ref: successor.ref, turn: false, behind: event.ref });
    return notices;
  }

  /** The event's run ended (or skipped its failure): it leaves the queue, and its successor learns whom it waits behind now. */
  finish(ref: string): PositionNotice[] {
    if (this.active?.ref === ref) {
      this.active = null;
      const head = this.waiting[0];
      return head ? [{ ref: head.ref, turn: false, behind: null }] : [];
    }
    const index = this.waiting.findIndex((e) => e.ref === ref);
    if (index === -1) return [];
    this.waiting.splice(index, 1);
    const successor = this.waiting[index];
    return successor ? [{ ref: successor.ref, turn: false, behind: this.predecessorOf(index) }] : [];
  }

  next(nowMs: number): NextStep {
    if (this.active) return { kind: 'busy' };
    const head = this.waiting[0];
    if (!head) return { kind: 'idle' };
    const dueMs = head.receivedAtMs + head.reorderWindowMs;
    return nowMs >= dueMs ? { kind: 'grant', event: head } : { kind: 'due', atMs: dueMs };
  }

  /** Gives the head the turn; returns the notice that tells it so. */
  grantHead(): PositionNotice {
    const head = this.waiting.shift();
    if (!head || this.active) throw new Error('grantHead: no head, or the turn is taken');
    this.active = head;
    return { ref: head.ref, turn: true, behind: null };
  }

  /** The event holding the turn, if any. */
  holder(): string | undefined {
    return this.active?.ref;
  }

  holds(ref: string): boolean {
    return this.active?.ref === ref || this.waiting.some((e) => e.ref === ref);
  }

  state(): KeyQueueState {
    return { active: this.active, waiting: [...this.waiting] };
  }

  private predecessorOf(index: number): string | null {
    return (index === 0 ? this.active : this.waiting[index - 1])?.ref ?? null;
  }
}

/** Every status an event can have. No Node imports: the workflows' sandbox imports this too. */
export const EVENT_STATUSES = ['received', 'processing', 'processed', 'failed', 'ignored', 'discarded', 'expired'] as const;

export type EventStatus = (typeof EVENT_STATUSES)[number];

/** The statuses of an event whose payload is stored: all but `expired`, which only retention sets. */
export type LiveEventStatus = Exclude<EventStatus, 'expired'>;

/** How a run of the event's workflow ends. */
export type RunEndStatus = Exclude<LiveEventStatus, 'received' | 'processing'>;

/**
 * Statuses whose events are finished with, which retention expires. Everything else is in
 * progress or waits for an operator (`failed`), and is never expired, however old.
 */
export const FINISHED_STATUSES = ['processed', 'ignored', 'discarded'] as const satisfies readonly EventStatus[];

export function isEventStatus(value: string): value is EventStatus {
  return (EVENT_STATUSES as readonly string[]).includes(value);
}

import type { EventDocument } from '../store/events';

/** Names the event an operation touched: what every result and log line about it carries. */
export interface EventRef {
  readonly id: string;
  readonly source: string;
  readonly eventId: string;
  readonly workflowId: string;
}

export function eventRef(event: EventDocument): EventRef {
  return { id: event._id, source: event.source, eventId: event.eventId, workflowId: event._id };
}

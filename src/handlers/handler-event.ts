import { headerRecord, parsedBody } from '../event/body';
import type { EventDocument } from '../store/events';
import type { HandlerEvent } from './api';

export function handlerEvent(event: EventDocument): HandlerEvent {
  return {
    source: event.source,
    eventId: event.eventId,
    eventType: event.eventType,
    body: parsedBody(event),
    headers: headerRecord(event),
    receivedAt: event.receivedAt,
  };
}

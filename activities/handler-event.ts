import { headerRecord, parsedBody } from '../src/event/body';
import type { EventDocument } from '../src/store/events';
import type { HandlerEvent } from './handler-api';

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

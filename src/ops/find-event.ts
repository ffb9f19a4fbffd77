import type { EventDocument, StoredEvent } from '../store/events';
import type { OpsContext } from './context';
import { OpsError, quoted } from './errors';

/** What is stored under this ID (`<source>:<eventId>`, as listings print it): the event or what retention left of it; or a not_found. */
export async function findStoredEvent(ctx: OpsContext, id: string): Promise<StoredEvent> {
  const event = await ctx.store.getStored(id);
  if (!event) {
    throw new OpsError('not_found', `No stored event ${quoted(id)} (IDs are <source>:<eventId>, as "events list" prints them)`);
  }
  return event;
}

/** The stored event with its payload, which every operation on its run needs; an expired one is a conflict. */
export async function findEvent(ctx: OpsContext, id: string): Promise<EventDocument> {
  const event = await findStoredEvent(ctx, id);
  if (event.status === 'expired') {
    throw new OpsError(
      'conflict',
      `Event ${quoted(event._id)} expired on ${event.expiredAt.toISOString()}: retention kept only its ID and body hash (so redeliveries stay duplicates), not the payload a run needs`,
    );
  }
  return event;
}

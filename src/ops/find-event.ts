import type { EventDocument } from '../store/events';
import type { OpsContext } from './context';
import { OpsError, quoted } from './errors';

/** The stored event with this ID (`<source>:<eventId>`, as listings print it), or a not_found. */
export async function findEvent(ctx: OpsContext, id: string): Promise<EventDocument> {
  const event = await ctx.store.get(id);
  if (!event) {
    throw new OpsError('not_found', `No stored event ${quoted(id)} (IDs are <source>:<eventId>, as "events list" prints them)`);
  }
  return event;
}

import type { EventStatus, EventStore } from '../src/store/events';

/**
 * Activities get their dependencies (the event store, ...) when the worker is built, not from
 * globals, so tests can run them against any database.
 */
export function createActivities(store: EventStore) {
  return {
    /** Moves the stored event to `status`; fails if the event does not exist, so the workflow sees it. */
    async setEventStatus(ref: string, status: EventStatus, note?: string): Promise<void> {
      const found = await store.setStatus(ref, status, new Date(), note);
      if (!found) throw new Error(`event ${ref} not found in the store`);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

import type { Collection, Db, FindCursor } from 'mongodb';
import type { StartableEvent } from './events';
import { GroupCommit, insertEach, isDuplicateKey } from './group-commit';
import { createMissingIndexes } from './indexes';

/**
 * One event whose workflow is still to start, under the event's `_id`, with all a start needs, so
 * starting never reads the events collection. The receiver writes it right after the event; the
 * starter (or a relay) deletes it once the run exists. Only these two ever write here: the event
 * document itself is left to the workflow (see StartRelay).
 */
export interface PendingStartDocument extends StartableEvent {
  /** When a relay may take it: until then it is left to the starter of the receiver that stored it. */
  dueAt: Date;
}

const START_FIELDS = { source: 1, provider: 1, eventId: 1, eventType: 1, receivedAt: 1 } as const;

/** Writes per command at most, for the recording and the removal of pending starts alike. */
const MAX_GROUP = 100;

/**
 * The `pending_starts` collection: small (what is not started yet), so counting it, or finding its
 * oldest, stays cheap on FerretDB, which reads a collection whole for anything but an `_id` lookup.
 */
export class PendingStartStore {
  readonly collection: Collection<PendingStartDocument>;
  /** Concurrent recordings share one insert, and removals one delete (see GroupCommit). */
  private readonly inserts: GroupCommit<PendingStartDocument>;
  private readonly removals: GroupCommit<string>;

  constructor(db: Db) {
    this.collection = db.collection<PendingStartDocument>('pending_starts');
    this.inserts = new GroupCommit((docs) => insertEach(this.collection, docs), MAX_GROUP);
    // One delete command of one statement per `_id`: FerretDB 1.24 finds a document by its key
    // only for a filter that is exactly `{ _id }`; `{ _id: { $in } }` reads the whole collection.
    this.removals = new GroupCommit(async (ids) => {
      await this.collection.bulkWrite(ids.map((_id) => ({ deleteOne: { filter: { _id } } })), { ordered: false });
      return ids.map(() => ({ ok: true }));
    }, MAX_GROUP);
  }

  async ensureIndexes(): Promise<void> {
    // For mongod; FerretDB 1.24 uses only `_id`, and scans this (small) collection for the relay.
    await createMissingIndexes(this.collection, [{ key: { dueAt: 1 }, name: 'by_due' }]);
  }

  /**
   * Records that `event` is still to start, unless that is recorded already (an insert by `_id`:
   * redeliveries racing each other leave one, and a recorded start is never changed). Returns
   * whether this call recorded it.
   */
  async ensure(event: StartableEvent, dueAt: Date): Promise<boolean> {
    const { _id, source, provider, eventId, eventType, receivedAt } = event;
    try {
      await this.inserts.write({ _id, source, provider, eventId, eventType, receivedAt, dueAt });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** The start is done (its run exists): forget it, in one delete with the others done meanwhile. */
  async remove(id: string): Promise<void> {
    await this.removals.write(id);
  }

  /** Those a relay may start (their receiver's starter had its chance), oldest first. */
  due(now: Date): FindCursor<StartableEvent> {
    return this.collection.find({ dueAt: { $lte: now } }).sort({ receivedAt: 1 }).project<StartableEvent>(START_FIELDS);
  }

  async count(): Promise<number> {
    return this.collection.countDocuments({});
  }

  /** When the oldest event still to start was received; null when none is. */
  async oldestReceivedAt(): Promise<Date | null> {
    const [oldest] = await this.collection.find({}).sort({ receivedAt: 1 }).limit(1).project<{ receivedAt: Date }>({ receivedAt: 1 }).toArray();
    return oldest?.receivedAt ?? null;
  }
}

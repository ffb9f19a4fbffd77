import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from './group-commit';
import { createMissingCollection } from './indexes';

/**
 * One body received from a source whose event IDs are not signed, and the event it belongs to.
 * Looked up by `_id` only (FerretDB uses no other index), and never removed: retention keeps these,
 * so a signed body resent under a fresh ID stays a duplicate for ever.
 */
export interface BodyKeyDocument {
  /** `<source>:<body digest>`. */
  readonly _id: string;
  /** The event's `_id`, `<source>:<eventId>`. */
  readonly eventRef: string;
  /** The identity the body is stored under, whichever ID a later delivery of it carries. */
  readonly eventId: string;
  readonly eventType: string | null;
  readonly receivedAt: Date;
  /**
   * Set once the event is stored. A key naming an event that is gone is then a body whose event
   * retention removed (still a duplicate), not one whose first store failed (to be stored now).
   */
  readonly eventStored?: true;
}

const COLLECTION = 'body_keys';
/** Each round loses only to a concurrent release; more than a few in a row would be a bug. */
const MAX_CLAIM_ROUNDS = 5;

export function bodyKeyId(source: string, bodyDigest: string): string {
  return `${source}:${bodyDigest}`;
}

/** The `body_keys` collection: a unique `_id` decides which delivery of a body owns it. */
export class BodyKeyStore {
  readonly collection: Collection<BodyKeyDocument>;

  constructor(private readonly db: Db) {
    this.collection = db.collection<BodyKeyDocument>(COLLECTION);
  }

  async ensureCollection(): Promise<void> {
    await createMissingCollection(this.db, COLLECTION);
  }

  /**
   * Inserts `key` unless its body is already claimed, and returns the key that holds the body now:
   * `key` itself, or the earlier one (whose `eventRef` may differ).
   */
  async claim(key: BodyKeyDocument): Promise<BodyKeyDocument> {
    for (let round = 1; round <= MAX_CLAIM_ROUNDS; round++) {
      try {
        await this.collection.insertOne(key);
        return key;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const holder = await this.collection.findOne({ _id: key._id });
      if (holder) return holder;
      // Released between our insert and our read: try again.
    }
    throw new Error(`body key ${key._id} was released ${MAX_CLAIM_ROUNDS} times while being claimed`);
  }

  async markStored(id: string): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { eventStored: true } });
  }

  /**
   * Removes the key when it still names `eventRef`: for a body refused as an event ID conflict, so it
   * can be stored later under its own ID. A delete by `_id` races safely with a new claim.
   */
  async release(id: string, eventRef: string): Promise<void> {
    await this.collection.deleteOne({ _id: id, eventRef });
  }
}

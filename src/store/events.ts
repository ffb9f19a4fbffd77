import { Binary, type Collection, type Db } from 'mongodb';
import { eventKey } from '../event/key';
import type { EventStatus, LiveEventStatus } from '../event/status';
import { BodyKeyStore } from './body-keys';
import { GroupCommit, insertEach, isDuplicateKey } from './group-commit';
import { createMissingIndexes, dropRenamedIndexes } from './indexes';

/** What a status change may carry besides the status. */
export interface StatusUpdate {
  /** Why, for operators (kept in the status history). */
  readonly note?: string;
  /** The workflow run reporting the change. */
  readonly runId?: string;
  readonly orderingKey?: string;
  /**
   * The event's status as the caller knows it, not looked up again: routing has just read the
   * event, and a run that routed the event itself wrote its status last (activities/index.ts).
   */
  readonly currentStatus?: StoredEvent['status'];
}

export interface StatusChange {
  readonly status: EventStatus;
  readonly at: Date;
  readonly note?: string;
}

/** One try of one handler, as the worker saw it. Never holds a secret or a response body. */
export interface AttemptRecord {
  readonly handler: string;
  /** Temporal's attempt number within one run of the handler (1, 2, ...; starts again after a redelivery). */
  readonly attempt: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly outcome: 'succeeded' | 'failed';
  /** For a failure: whether Temporal will try again (within the route's retry policy). */
  readonly retryable?: boolean;
  readonly httpStatus?: number;
  readonly error?: string;
}

export interface StoredHeader {
  readonly name: string;
  readonly value: string;
}

export interface EventDocument {
  /** `<source>:<eventId>`, which is also the workflow ID. */
  _id: string;
  source: string;
  provider: string;
  eventId: string;
  eventType: string | null;
  /** The body byte for byte as received. */
  body: Binary;
  bodySha256: string;
  contentType: string;
  /** Kept as a list: header names may hold characters MongoDB keys may not. */
  headers: StoredHeader[];
  receivedAt: Date;
  status: LiveEventStatus;
  statusHistory: StatusChange[];
  runId: string | null;
  /** The route's ordering key, set by the run when it plans the event (ordered routes only). */
  orderingKey?: string;
}

/**
 * What retention leaves of a finished event, under the same `_id`: enough for a redelivery to be
 * a duplicate (same body hash) or a conflict for ever, and for operators to see that it expired.
 * The body, headers and history are gone.
 */
export interface ExpiredEventDocument
  extends Pick<EventDocument, '_id' | 'source' | 'provider' | 'eventId' | 'eventType' | 'bodySha256' | 'receivedAt' | 'runId' | 'orderingKey'> {
  status: 'expired';
  expiredAt: Date;
}

/** A document of the `events` collection: an event, or what retention left of one. */
export type StoredEvent = EventDocument | ExpiredEventDocument;

/**
 * Attempts live in their own collection, one document each: parallel handlers never update the
 * event document (see "One writer per event" on EventStore), and an event retried for days does
 * not grow without bound.
 */
export interface AttemptDocument extends AttemptRecord {
  /** The event's `_id`. */
  readonly eventRef: string;
}

/** What a workflow start needs of the stored event: not its body or headers, which stay in MongoDB. */
export type StartableEvent = Pick<EventDocument, '_id' | 'source' | 'provider' | 'eventId' | 'eventType' | 'receivedAt'>;

export type NewEvent = Omit<EventDocument, '_id' | 'status' | 'statusHistory' | 'runId'>;

export type InsertOutcome =
  | { readonly kind: 'inserted'; readonly event: EventDocument }
  | { readonly kind: 'duplicate'; readonly event: StoredEvent }
  | { readonly kind: 'conflict'; readonly event: StoredEvent };

/** Documents per insert command at most (the driver splits a command past the server's message size). */
const MAX_GROUP = 100;

/** Indexes by their old names: dropped at set-up, where their new names are created. */
const RENAMED_INDEXES = [
  // Named for the relay's scan of received events, which `pending_starts` replaced: now `by_status_time`.
  'relay',
];

/**
 * All reads and writes of the `events` collection.
 *
 * One writer per event (the rule every writer follows, stated here once): the receiver inserts the
 * event; from its workflow's start on, only that run's activities update it (`setStatus`);
 * retention rewrites it only once it is finished. Nobody else writes an event document: FerretDB,
 * which stands in for MongoDB in development, does not isolate concurrent updates of one document,
 * so a second writer's late update could undo the run's. Whatever else needs recording goes to
 * its own documents (handler attempts, body keys, operator actions). On MongoDB each update is
 * atomic anyway; the rule costs nothing there.
 */
export class EventStore {
  readonly collection: Collection<StoredEvent>;
  readonly attempts: Collection<AttemptDocument>;
  /** Bodies received from sources deduplicated by body (see SourceConfig.dedupByBody). */
  readonly bodyKeys: BodyKeyStore;
  /**
   * Concurrent inserts share one command (see GroupCommit): FerretDB on SQLite pays per command far
   * more than per document. Status updates are not grouped: FerretDB 1.24 stops an unordered
   * multi-statement update at its first refused statement and reports it under the wrong index, so
   * one update's outcome could not be told from the others'.
   */
  private readonly inserts: GroupCommit<EventDocument>;
  private readonly attemptInserts: GroupCommit<AttemptDocument>;

  constructor(db: Db) {
    this.collection = db.collection<StoredEvent>('events');
    this.inserts = new GroupCommit((docs) => insertEach(this.collection, docs), MAX_GROUP);
    this.attempts = db.collection<AttemptDocument>('attempts');
    this.attemptInserts = new GroupCommit((docs) => insertEach(this.attempts, docs), MAX_GROUP);
    this.bodyKeys = new BodyKeyStore(db);
  }

  async ensureIndexes(): Promise<void> {
    // Renamed indexes: the old name must go first, as an index on the same keys cannot be made twice.
    await dropRenamedIndexes(this.collection, RENAMED_INDEXES);
    await createMissingIndexes(this.collection, [
      // Dedup for ever, even after Temporal's retention has forgotten the workflow ID.
      { key: { source: 1, eventId: 1 }, name: 'source_eventId_unique', unique: true },
      // Events of some status in time order: listings and bulk operations by status, retention's sweep.
      { key: { status: 1, receivedAt: 1 }, name: 'by_status_time' },
      { key: { source: 1, status: 1, receivedAt: -1 }, name: 'by_source_status_time' },
      { key: { receivedAt: -1 }, name: 'by_time' },
    ]);
    await createMissingIndexes(this.attempts, [{ key: { eventRef: 1, startedAt: 1 }, name: 'by_event_time' }]);
    await this.bodyKeys.ensureCollection();
  }

  /**
   * Stores a new event; a second delivery of the same event is reported, not stored. Concurrent
   * calls share one insert command (see GroupCommit); each resolves once that command is
   * acknowledged, with its own event's outcome.
   */
  async insert(event: NewEvent, now: Date): Promise<InsertOutcome> {
    const doc: EventDocument = {
      ...event,
      _id: eventKey(event.source, event.eventId),
      status: 'received',
      statusHistory: [{ status: 'received', at: now }],
      runId: null,
    };
    try {
      await this.inserts.write(doc);
      return { kind: 'inserted', event: doc };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await this.collection.findOne({ _id: doc._id });
      if (!existing) throw err; // removed between the two calls: let the sender retry
      return { kind: existing.bodySha256 === doc.bodySha256 ? 'duplicate' : 'conflict', event: existing };
    }
  }

  /**
   * Sets the status; `runId` is the workflow run reporting it, recorded with it, and `orderingKey`
   * the event's ordering key once its run has routed it (for `events list --key`), in the same
   * write. An expired event is not found: a run started outside hookflow must not revive it
   * without its body.
   *
   * The expiry is checked by a lookup (unless the caller knows the status), then the write goes
   * by `_id` alone: FerretDB 1.24 finds a document by its key only when the filter is exactly
   * `{ _id }`, and reads the whole collection
   * for any other (`{ _id, status: { $ne: 'expired' } }` took 85 ms at 3,000 events, against
   * 0.7 ms for the lookup and the write together). Nothing writes between the two: retention
   * expires only finished events, and the event's run, the one writer of its status, is not
   * finished while it sets one.
   */
  async setStatus(id: string, status: LiveEventStatus, now: Date, opts: StatusUpdate = {}): Promise<boolean> {
    const { note, runId, orderingKey } = opts;
    const currentStatus = opts.currentStatus ?? (await this.collection.findOne({ _id: id }, { projection: { status: 1 } }))?.status;
    if (currentStatus === undefined || currentStatus === 'expired') return false;
    const change: StatusChange = note === undefined ? { status, at: now } : { status, at: now, note };
    const res = await this.collection.updateOne(
      { _id: id },
      {
        $set: { status, ...(runId === undefined ? {} : { runId }), ...(orderingKey === undefined ? {} : { orderingKey }) },
        $push: { statusHistory: change },
      },
    );
    return res.matchedCount === 1;
  }

  /** Records one handler attempt of the event `id`. */
  async recordAttempt(id: string, attempt: AttemptRecord): Promise<void> {
    await this.attemptInserts.write({ eventRef: id, ...attempt });
  }

  /** The event's handler attempts, oldest first. */
  async attemptsOf(id: string): Promise<AttemptRecord[]> {
    const docs = await this.attempts.find({ eventRef: id }).sort({ startedAt: 1, _id: 1 }).toArray();
    return docs.map(({ _id, eventRef, ...attempt }) => attempt);
  }

  /** The event with its payload; null when there is none, or only what retention left of it. */
  async get(id: string): Promise<EventDocument | null> {
    const stored = await this.getStored(id);
    return stored?.status === 'expired' ? null : stored;
  }

  /** Whatever is stored under `id`: the event, or what retention left of it. */
  async getStored(id: string): Promise<StoredEvent | null> {
    return this.collection.findOne({ _id: id });
  }
}

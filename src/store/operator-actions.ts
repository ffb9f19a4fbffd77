import type { Collection, Db } from 'mongodb';
import { createMissingIndexes } from './indexes';

export type OperatorActionName = 'replay' | 'redeliver' | 'discard' | 'reset' | 'terminate';

/** One thing an operator did to an event's run, so its history explains a second run or a termination. */
export interface OperatorAction {
  /** The event's `_id`. */
  readonly ref: string;
  readonly action: OperatorActionName;
  readonly at: Date;
  /** 'cli' or 'admin-api'. */
  readonly by: string;
  /** The run the action created, when it created one. */
  readonly runId?: string;
  /** A reason, a handler name: short operator-supplied text. */
  readonly note?: string;
}

/** The `operator_actions` collection: an append-only log, read per event. */
export class OperatorActionLog {
  readonly collection: Collection<OperatorAction>;

  constructor(db: Db) {
    this.collection = db.collection<OperatorAction>('operator_actions');
  }

  async ensureIndexes(): Promise<void> {
    await createMissingIndexes(this.collection, [{ key: { ref: 1, at: 1 }, name: 'by_event' }]);
  }

  async record(action: OperatorAction): Promise<void> {
    await this.collection.insertOne({ ...action });
  }

  forEvent(ref: string): Promise<OperatorAction[]> {
    return this.collection.find({ ref }, { projection: { _id: 0 } }).sort({ at: 1 }).limit(1000).toArray();
  }
}

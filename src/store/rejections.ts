import type { Collection, Db } from 'mongodb';
import { createMissingCollection } from './indexes';

/**
 * Why deliveries were refused, so a misconfigured secret is easy to diagnose ("every stripe
 * delivery since 10:02 is invalid_signature"). Header names only, never values, secrets or bodies.
 */
export interface RejectionDocument {
  at: Date;
  source: string;
  /** The refusal's reason code, as answered (src/http-refusal.ts). */
  reason: string;
  headerNames: string[];
  contentType: string;
  bodyBytes: number | null;
}

/** A capped collection: it keeps the latest records in a fixed size and never needs cleaning. */
const CAPPED_BYTES = 8 * 1024 * 1024;
const CAPPED_DOCS = 20_000;

export class RejectionLog {
  readonly collection: Collection<RejectionDocument>;

  constructor(private readonly db: Db) {
    this.collection = db.collection<RejectionDocument>('rejections');
  }

  async ensureCollection(): Promise<void> {
    await createMissingCollection(this.db, 'rejections', { capped: true, size: CAPPED_BYTES, max: CAPPED_DOCS });
  }

  async record(entry: RejectionDocument): Promise<void> {
    await this.collection.insertOne(entry);
  }

  /** Newest first. */
  async latest(filter: { source?: string } = {}, limit = 50): Promise<RejectionDocument[]> {
    const query = filter.source === undefined ? {} : { source: filter.source };
    return this.collection.find(query, { projection: { _id: 0 } }).sort({ $natural: -1 }).limit(limit).toArray();
  }
}

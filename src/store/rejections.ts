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
  /** Refusals this receiver left unrecorded just before this one, past its per-second cap. */
  unrecordedBefore?: number;
}

/**
 * How many records a receiver writes a second: a flood of forged requests would otherwise cost the
 * store one insert each, competing with the events' own inserts. A few a second are enough to
 * diagnose, and the webhook request metrics count every refusal. The cap is per source and reason,
 * so a flood of one kind does not hide another source's misconfigured secret, with all unknown
 * sources as one (their names are the sender's), and an overall cap over them all.
 */
export const RECORDS_PER_SECOND = { perSourceAndReason: 50, overall: 200 };

/** A capped collection: it keeps the latest records in a fixed size and never needs cleaning. */
const CAPPED_BYTES = 8 * 1024 * 1024;
const CAPPED_DOCS = 20_000;

export class RejectionLog {
  readonly collection: Collection<RejectionDocument>;
  private windowStartMs = -Infinity;
  private recordedInWindow = 0;
  /** Per source and reason: records written this second, and refusals left out since the last record. */
  private readonly kinds = new Map<string, { recorded: number; unrecorded: number }>();

  constructor(
    private readonly db: Db,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.collection = db.collection<RejectionDocument>('rejections');
  }

  async ensureCollection(): Promise<void> {
    await createMissingCollection(this.db, 'rejections', { capped: true, size: CAPPED_BYTES, max: CAPPED_DOCS });
  }

  /**
   * Records a refusal, unless this second's share for its source and reason, or overall, is written
   * already: then it is only counted, and the next record of its kind says how many were left out.
   */
  async record(entry: Omit<RejectionDocument, 'unrecordedBefore'>): Promise<void> {
    const now = this.nowMs();
    if (now - this.windowStartMs >= 1000) {
      this.windowStartMs = now;
      this.recordedInWindow = 0;
      for (const [key, kind] of this.kinds) {
        if (kind.unrecorded === 0) this.kinds.delete(key);
        else kind.recorded = 0;
      }
    }
    const key = entry.reason === 'unknown_source' ? entry.reason : `${entry.source} ${entry.reason}`;
    const kind = this.kinds.get(key) ?? { recorded: 0, unrecorded: 0 };
    this.kinds.set(key, kind);
    if (kind.recorded >= RECORDS_PER_SECOND.perSourceAndReason || this.recordedInWindow >= RECORDS_PER_SECOND.overall) {
      kind.unrecorded++;
      return;
    }
    kind.recorded++;
    this.recordedInWindow++;
    const unrecordedBefore = kind.unrecorded;
    kind.unrecorded = 0;
    await this.collection.insertOne(unrecordedBefore > 0 ? { ...entry, unrecordedBefore } : { ...entry });
  }

  /** Newest first. */
  async latest(filter: { source?: string } = {}, limit = 50): Promise<RejectionDocument[]> {
    const query = filter.source === undefined ? {} : { source: filter.source };
    return this.collection.find(query, { projection: { _id: 0 } }).sort({ $natural: -1 }).limit(limit).toArray();
  }
}

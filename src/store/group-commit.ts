import { MongoBulkWriteError, MongoServerError, type Collection, type Document, type OptionalUnlessRequiredId } from 'mongodb';

/** What one item of a group's write came to: done, or refused on its own (the others may still be done). */
export type ItemOutcome = { readonly ok: true } | { readonly ok: false; readonly error: DocumentWriteError };

/** The server refused one document of a multi-document write; the others are not affected. */
export class DocumentWriteError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'DocumentWriteError';
  }
}

const DUPLICATE_KEY = 11000;

/**
 * Whether `err` is a duplicate key, from a one-document write or from one document of a group. A
 * multi-document error that reaches a caller (see insertEach) is the whole command's failure, such
 * as its write concern, whatever code its first document's error carries: never a duplicate.
 */
export function isDuplicateKey(err: unknown): boolean {
  const single = err instanceof DocumentWriteError || (err instanceof MongoServerError && !(err instanceof MongoBulkWriteError));
  return single && err.code === DUPLICATE_KEY;
}

interface Waiting<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Group commit: concurrent callers' writes go to the store as one command. One group is written at
 * a time; while it is, the next one gathers whatever arrives, and is written as soon as the first
 * is done. Nothing waits on a timer, so a lone write goes at once (no added latency when idle), and
 * under load one command carries many writes: FerretDB on SQLite has one writer, and its cost is
 * per command far more than per document. Each caller's promise settles with its own item's
 * outcome, only once the whole group's command has been acknowledged.
 */
export class GroupCommit<T> {
  private readonly gathering: Waiting<T>[] = [];
  private writing = false;

  constructor(
    /** Writes the group; returns one outcome per item, in order, or throws when the whole command failed. */
    private readonly writeGroup: (items: readonly T[]) => Promise<readonly ItemOutcome[]>,
    private readonly maxGroupSize: number,
  ) {}

  /** Writes `item` with whatever else is waiting; rejects with its own error only. */
  write(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.gathering.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.writing || this.gathering.length === 0) return;
    const group = this.gathering.splice(0, this.maxGroupSize);
    this.writing = true;
    void this.commit(group).finally(() => {
      this.writing = false;
      this.next();
    });
  }

  private async commit(group: readonly Waiting<T>[]): Promise<void> {
    let outcomes: readonly ItemOutcome[];
    try {
      outcomes = await this.writeGroup(group.map((w) => w.item));
    } catch (err) {
      for (const w of group) w.reject(err);
      return;
    }
    group.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) w.reject(new Error(`group write gave ${outcomes.length} outcomes for ${group.length} items`));
      else if (outcome.ok) w.resolve();
      else w.reject(outcome.error);
    });
  }
}

/**
 * Inserts `docs` in one unordered `insertMany`, so one document's error (a duplicate key) neither
 * stops nor undoes the others, and tells each document's outcome from the server's per-index
 * write errors. A failure of the whole command (network, write concern) is thrown: then no
 * document counts as durably stored.
 */
export async function insertEach<T extends Document>(collection: Collection<T>, docs: readonly OptionalUnlessRequiredId<T>[]): Promise<ItemOutcome[]> {
  try {
    await collection.insertMany(docs, { ordered: false });
    return docs.map(() => ({ ok: true }));
  } catch (err) {
    if (!(err instanceof MongoBulkWriteError)) throw err;
    // The driver wraps a failure of the command itself (a broken connection, a server refusing it)
    // in the bulk error: thrown as itself, it is judged as the same failure of insertOne would be.
    if (err.errorResponse instanceof Error) throw err.errorResponse;
    const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    if (err.result.getWriteConcernError() !== undefined || writeErrors.length === 0) throw err;
    const refused = new Map(writeErrors.map((e) => [e.index, new DocumentWriteError(e.code, e.errmsg ?? `write error ${e.code}`)]));
    return docs.map((_, i) => {
      const error = refused.get(i);
      return error ? { ok: false, error } : { ok: true };
    });
  }
}

import type { Collection, CreateCollectionOptions, Db, Document, IndexDescription } from 'mongodb';

/**
 * Creates the indexes a collection lacks, by name. Asking for indexes that already exist is a
 * no-op on MongoDB, but FerretDB 1.24 drops the connection on it ("slice bounds out of range"),
 * so every process start would break its first request: only the missing ones are sent.
 */
export async function createMissingIndexes<T extends Document>(
  collection: Collection<T>,
  indexes: readonly (IndexDescription & { name: string })[],
): Promise<void> {
  const missing = await missingIndexes(collection, indexes);
  if (missing.length === 0) return;
  try {
    await collection.createIndexes(missing);
  } catch (err) {
    // Two processes starting at once both saw the indexes missing; on FerretDB the slower one's
    // connection is dropped. If the other one created them all, there is nothing left to do.
    if ((await missingIndexes(collection, indexes)).length > 0) throw err;
  }
}

/**
 * Drops the indexes named `names` where they exist: an index renamed in code is dropped under its
 * old name on databases set up before, so the new name can be created on the same keys. Another
 * process starting at the same time may drop it first, which is as good.
 */
export async function dropRenamedIndexes<T extends Document>(collection: Collection<T>, names: readonly string[]): Promise<void> {
  const present = await existingIndexNames(collection);
  for (const name of names.filter((n) => present.has(n))) {
    try {
      await collection.dropIndex(name);
    } catch (err) {
      if ((await existingIndexNames(collection)).has(name)) throw err;
    }
  }
}

async function existingIndexNames<T extends Document>(collection: Collection<T>): Promise<Set<string>> {
  const existing = new Set<string>();
  try {
    for (const index of await collection.listIndexes().toArray()) existing.add(String(index.name));
  } catch (err) {
    // A collection that does not exist yet has no indexes.
    if ((err as { codeName?: string }).codeName !== 'NamespaceNotFound') throw err;
  }
  return existing;
}

async function missingIndexes<T extends Document>(
  collection: Collection<T>,
  indexes: readonly (IndexDescription & { name: string })[],
): Promise<(IndexDescription & { name: string })[]> {
  const existing = await existingIndexNames(collection);
  return indexes.filter((index) => !existing.has(index.name));
}

/** Creates the collection `name` unless it exists, tolerating another process creating it at the same time. */
export async function createMissingCollection(db: Db, name: string, options: CreateCollectionOptions = {}): Promise<void> {
  const existing = await db.listCollections({ name }, { nameOnly: true }).toArray();
  if (existing.length > 0) return;
  try {
    await db.createCollection(name, options);
  } catch (err) {
    // Another process created it between our check and our create.
    if ((err as { codeName?: string }).codeName !== 'NamespaceExists') throw err;
  }
}

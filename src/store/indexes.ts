import type { Collection, Document, IndexDescription } from 'mongodb';

/**
 * Creates the indexes a collection lacks, by name. Asking for indexes that already exist is a
 * no-op on MongoDB, but FerretDB 1.24 drops the connection on it ("slice bounds out of range"),
 * so every process start would break its first request: only the missing ones are sent.
 */
export async function createMissingIndexes<T extends Document>(
  collection: Collection<T>,
  indexes: readonly (IndexDescription & { name: string })[],
): Promise<void> {
  const existing = new Set<string>();
  try {
    for (const index of await collection.listIndexes().toArray()) existing.add(String(index.name));
  } catch (err) {
    // A collection that does not exist yet has no indexes.
    if ((err as { codeName?: string }).codeName !== 'NamespaceNotFound') throw err;
  }
  const missing = indexes.filter((index) => !existing.has(index.name));
  if (missing.length > 0) await collection.createIndexes(missing);
}

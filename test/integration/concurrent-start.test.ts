import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventStore } from '../../src/store/events';
import { createMongo } from '../../src/store/mongo';
import { RejectionLog } from '../../src/store/rejections';
import { testServices } from '../setup/root-hooks';

/**
 * Regression: replicas started together on a fresh database all found the indexes missing and all
 * sent createIndexes; FerretDB 1.24 drops the connection of every one but the first, so a replica
 * failed to start with a MongoNetworkError.
 */
describe('replicas starting at once on a fresh database', function () {
  this.timeout(120_000);

  it('all create the collections and indexes they need without error (5 rounds of 3 replicas)', async function () {
    for (let round = 0; round < 5; round++) {
      const dbName = `hookflow_race_${randomBytes(4).toString('hex')}`;
      const replicas = Array.from({ length: 3 }, () => createMongo(testServices().mongoUrl, dbName));
      try {
        const results = await Promise.allSettled(
          replicas.flatMap((m) => [new EventStore(m.db).ensureIndexes(), new RejectionLog(m.db).ensureCollection()]),
        );
        const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
        assert.deepEqual(failures, [], `round ${round}`);
        const names = (await new EventStore(replicas[0]!.db).collection.listIndexes().toArray()).map((i) => String(i.name));
        assert.ok(names.includes('source_eventId_unique'), `round ${round}: unique index exists`);
      } finally {
        await replicas[0]?.db.dropDatabase().catch(() => {});
        await Promise.all(replicas.map((m) => m.client.close()));
      }
    }
  });
});

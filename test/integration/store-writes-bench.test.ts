import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { measureStoreWrites, storeWritesTable } from '../../bench/store-writes';
import { testServices } from '../setup/root-hooks';

/** `npm run bench:store-writes` in one second, for correctness only: every kind of operation ran. */
describe('the store-writes benchmark (real FerretDB, smoke)', function () {
  let client: MongoClient;
  const dbName = `hookflow_test_store_writes_${randomBytes(4).toString('hex')}`;
  before(async function () {
    client = new MongoClient(testServices().mongoUrl);
  });
  after(async function () {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('runs grouped inserts, updates, finds and deletes side by side and reports each', async function () {
    const result = await measureStoreWrites(client.db(dbName), { seconds: 1, inserters: 1, groupSize: 5, updaters: 2, deleters: 1, bodyBytes: 64 });
    for (const [name, figures] of Object.entries(result)) {
      assert.ok(figures.latencyMs.count > 0, `${name}: no operation measured`);
      assert.ok(figures.perSecond > 0 && Number.isFinite(figures.latencyMs.max), `${name}: ${JSON.stringify(figures)}`);
    }
    // Every group's events and pending starts were stored; the deletes removed only pending starts.
    const events = client.db(dbName).collection('events');
    assert.equal(await events.countDocuments(), 2000 + result.groupInsert.latencyMs.count * 5);
    assert.equal(storeWritesTable(result).split('\n').length, 6);
  });
});

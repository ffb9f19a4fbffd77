/**
 * `npm run bench:store-writes [-- --seconds S --inserters N --updaters N --deleters N]`: the store
 * under hookflow's mix of concurrent writes (bench/store-writes.ts), on the embedded MongoDB
 * (reused when running, started otherwise, with no Temporal) or `MONGO_URL`'s. Prints a table;
 * writes to a database of its own, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { describeMongo } from '../dev/embedded/mongo-server';
import { startStore } from '../dev/embedded/services';
import { createMongo } from '../src/store/mongo';
import { measureStoreWrites, STORE_WRITES_DEFAULTS, storeWritesTable, type StoreWritesOptions } from './store-writes';

function parseArgs(argv: readonly string[]): StoreWritesOptions {
  const opts: { -readonly [K in keyof StoreWritesOptions]: StoreWritesOptions[K] } = { ...STORE_WRITES_DEFAULTS };
  const names: Record<string, keyof StoreWritesOptions> = { '--seconds': 'seconds', '--inserters': 'inserters', '--updaters': 'updaters', '--deleters': 'deleters' };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const name = names[flag];
    const value = Number(argv[i + 1]);
    if (name === undefined) throw new TypeError(`unknown option ${flag}; known: ${Object.keys(names).join(', ')}`);
    if (!Number.isInteger(value) || value < (name === 'seconds' ? 1 : 0)) throw new TypeError(`${flag} takes a whole number${name === 'seconds' ? ' of at least 1' : ''}`);
    opts[name] = value;
  }
  return opts;
}

async function main(argv: readonly string[]): Promise<void> {
  const opts = parseArgs(argv);
  const services = await startStore({ log: (line) => console.error(`[services] ${line}`) });
  const mongo = createMongo(services.mongoUrl, `hookflow_bench_store_${randomBytes(4).toString('hex')}`);
  try {
    await mongo.client.connect();
    const result = await measureStoreWrites(mongo.db, opts);
    console.log(`${await describeMongo(services.mongoUrl)}, ${opts.seconds} s: ${opts.inserters} inserting loops (groups of ${opts.groupSize}), ${opts.updaters} updating, ${opts.deleters} deleting`);
    console.log(storeWritesTable(result));
  } finally {
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.client.close();
    await services.stop();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`bench:store-writes: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

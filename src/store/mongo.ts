import { MongoClient, type Db } from 'mongodb';

export interface Mongo {
  readonly client: MongoClient;
  readonly db: Db;
}

/**
 * Connects lazily: the driver opens sockets on first use, so a service can start while MongoDB is
 * still coming up. Short selection timeouts keep a request from hanging when the server is gone;
 * the receiver turns that into a 503 so the provider retries.
 */
export function createMongo(url: string, dbName: string): Mongo {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: 3000,
    // An acknowledged event must survive a primary's failure: wait for a majority, journalled.
    writeConcern: { w: 'majority', journal: true },
    appName: 'hookflow',
  });
  return { client, db: client.db(dbName) };
}

/** Errors that mean "the database is unreachable right now", as opposed to a bad request. */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return /^Mongo(ServerSelection|Network|NetworkTimeout|NotConnected|Topology.*|OperationTimeout)Error$/.test(err.name);
}

import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { DocumentWriteError } from './group-commit';

export interface Mongo {
  readonly client: MongoClient;
  readonly db: Db;
}

const CONNECT_TIMEOUT_MS = 3000;

/** A server heartbeat still running this long after it started is hung (see MonitorWatchdog): the driver gives one CONNECT_TIMEOUT_MS. */
export const MONITOR_STALL_MS = 4 * CONNECT_TIMEOUT_MS;

/**
 * Creates the client without connecting. If the driver's first connection fails, the client stays
 * closed ("Topology is closed"), so start-up calls connect() again on every attempt (see
 * startHookflow in src/service.ts). Short selection timeouts keep a request from hanging when the
 * server is gone; the receiver turns that into a 503 so the provider retries.
 */
export function createMongo(url: string, dbName: string): Mongo {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    // An acknowledged event must survive a primary's failure: wait for a majority, journalled.
    writeConcern: { w: 'majority', journal: true },
    appName: 'hookflow',
  });
  return { client, db: client.db(dbName) };
}

/**
 * Server errors that say "not now" rather than "never": no primary, a shutdown or step-down in
 * progress, a network failure seen by the server, an operation out of time.
 */
const TRANSIENT_SERVER_CODES: ReadonlySet<number> = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * The driver's connection-pool errors (mongodb 6.x, lib/cmap/errors.js and MongoServerClosedError),
 * not exported from 'mongodb' and so matched by name: while a server restarts the driver clears or
 * closes its pool and fails the operations waiting on it; a wait-queue timeout is a pool too busy.
 */
const POOL_ERRORS: ReadonlySet<string> = new Set([
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoPoolClosedError',
  'MongoWaitQueueTimeoutError',
  'MongoServerClosedError',
]);

/** Errors that mean "the database is unreachable or too busy right now", as opposed to a bad request. */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (/^Mongo(ServerSelection|Network|NetworkTimeout|NotConnected|Topology.*|OperationTimeout)Error$/.test(err.name) || POOL_ERRORS.has(err.name)) return true;
  // One document of a group's insert is judged like a whole command's error, without the labels it lacks.
  if (!(err instanceof MongoServerError) && !(err instanceof DocumentWriteError)) return false;
  return (
    (typeof err.code === 'number' && TRANSIENT_SERVER_CODES.has(err.code)) ||
    (err instanceof MongoServerError && err.hasErrorLabel('RetryableWriteError')) ||
    // FerretDB over SQLite gives up on a write it could not lock in time with a plain InternalError.
    /\(SQLITE_BUSY\)/.test(err.message)
  );
}

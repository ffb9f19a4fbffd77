/*
 * The driver's connection-pool errors, which 'mongodb' does not export: declared as
 * node_modules/mongodb/lib/cmap/errors.js defines them (6.x), so the unit tests can make real ones.
 */
declare module 'mongodb/lib/cmap/errors' {
  import type { MongoDriverError, MongoNetworkError } from 'mongodb';

  /** What the constructors read from the pool. */
  interface PoolFields {
    readonly address: string;
    readonly serverError?: Error;
  }
  export class PoolClosedError extends MongoDriverError {
    constructor(pool: PoolFields);
  }
  export class PoolClearedError extends MongoNetworkError {
    constructor(pool: PoolFields, message?: string);
  }
  export class PoolClearedOnNetworkError extends PoolClearedError {
    constructor(pool: PoolFields);
  }
  export class WaitQueueTimeoutError extends MongoDriverError {
    constructor(message: string, address: string);
  }
}

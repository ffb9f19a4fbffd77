import assert from 'node:assert/strict';
import { MongoNetworkError, MongoServerClosedError, MongoServerError } from 'mongodb';
import { PoolClearedError, PoolClearedOnNetworkError, PoolClosedError, WaitQueueTimeoutError } from 'mongodb/lib/cmap/errors';
import { DocumentWriteError } from '../../../src/store/group-commit';
import { isUnavailable } from '../../../src/store/mongo';

function serverError(code: number, message = 'failed', errorLabels: string[] = []): MongoServerError {
  return new MongoServerError({ message, code, errmsg: message, errorLabels });
}

/** What the receiver answers 503 (retry later) rather than 500: a store that is away or busy. */
describe('isUnavailable(err)', () => {
  it('is true for an unreachable server (a network error)', () => {
    assert.equal(isUnavailable(new MongoNetworkError('connection closed')), true);
  });

  it("is true for the driver's pool errors while a server restarts: pool cleared or closed, server closed", () => {
    const pool = { address: '127.0.0.1:27017', serverError: new MongoNetworkError('connection reset') };
    for (const err of [new PoolClearedError(pool), new PoolClearedOnNetworkError(pool), new PoolClosedError(pool), new MongoServerClosedError()]) {
      assert.equal(isUnavailable(err), true, err.name);
    }
  });

  it('is true for a connection pool too busy to hand out a connection in time', () => {
    assert.equal(isUnavailable(new WaitQueueTimeoutError('Timed out while checking out a connection from connection pool', '127.0.0.1:27017')), true);
  });

  it('is true for a step-down, a shutdown or no writable primary', () => {
    for (const code of [91, 189, 10107, 11600, 13435]) assert.equal(isUnavailable(serverError(code)), true, `code ${code}`);
  });

  it('is true for an error the server labels RetryableWriteError', () => {
    assert.equal(isUnavailable(serverError(12345, 'odd', ['RetryableWriteError'])), true);
  });

  it("is true for FerretDB's SQLite lock timeout (InternalError, SQLITE_BUSY)", () => {
    const busy = '[msg_insert.go:168 handler.(*Handler).MsgInsert] [collection.go:135 sqlite.(*collection).InsertAll.func1] database is locked (5) (SQLITE_BUSY)';
    assert.equal(isUnavailable(serverError(1, busy)), true);
  });

  it("is judged alike for one document's error in a group insert: SQLITE_BUSY or a step-down yes, a duplicate key no", () => {
    assert.equal(isUnavailable(new DocumentWriteError(1, 'database is locked (5) (SQLITE_BUSY)')), true);
    assert.equal(isUnavailable(new DocumentWriteError(10107, 'not primary')), true);
    assert.equal(isUnavailable(new DocumentWriteError(11000, 'E11000 duplicate key')), false);
  });

  it('is false for a bad request or a duplicate key', () => {
    assert.equal(isUnavailable(serverError(11000, 'E11000 duplicate key')), false);
    assert.equal(isUnavailable(serverError(2, 'BadValue')), false);
    assert.equal(isUnavailable(serverError(1, 'InternalError: something else')), false);
    assert.equal(isUnavailable(new TypeError('x')), false);
    assert.equal(isUnavailable('a string'), false);
  });
});

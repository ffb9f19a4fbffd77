import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchWriteQueue } from '../../../dev/embedded/install-ferretdb';

/** The parts of FerretDB 1.24's internal/util/fsql/db.go that the patch edits, laid out as there (gofmt). */
const DB_GO = [
  'package fsql',
  '',
  'import (',
  '\t"context"',
  '\t"database/sql"',
  '\t"fmt"',
  '\t"log/slog"',
  '\t"time"',
  ')',
  '',
  'type DB struct {',
  '\t*metricsCollector',
  '',
  '\tsqlDB     *sql.DB',
  '\tl         *slog.Logger',
  '}',
  '',
  'func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {',
  '\treturn db.sqlDB.ExecContext(ctx, query, args...)',
  '}',
  '',
  'func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {',
  '\treturn nil',
  '}',
  '',
].join('\n');

describe('patchWriteQueue(sourceDir)', function () {
  let source: string;
  let file: string;
  beforeEach(function () {
    source = mkdtempSync(join(tmpdir(), 'hookflow-ferretdb-src-'));
    mkdirSync(join(source, 'internal', 'util', 'fsql'), { recursive: true });
    file = join(source, 'internal', 'util', 'fsql', 'db.go');
  });
  afterEach(function () {
    rmSync(source, { recursive: true, force: true });
  });

  it('makes every write statement and every transaction take the database’s one write mutex first', function () {
    writeFileSync(file, DB_GO);
    patchWriteQueue(source);
    const patched = readFileSync(file, 'utf8');

    assert.match(patched, /\t"log\/slog"\n\t"sync"\n\t"time"\n/);
    assert.match(patched, /\tsqlDB +\*sql\.DB\n\twriteMu +sync\.Mutex /);
    const lock = '\tdb.writeMu.Lock()\n\tdefer db.writeMu.Unlock()\n\n';
    assert.ok(patched.includes(`(sql.Result, error) {\n${lock}\treturn db.sqlDB.ExecContext`), patched);
    assert.ok(patched.includes(`(err error) {\n${lock}\treturn nil`), patched);
    assert.equal(patched.split('db.writeMu.Lock()').length - 1, 2);
  });

  it('refuses a source it does not recognise, naming what is missing, and leaves the file as it was', function () {
    // A later FerretDB that renamed the transaction helper: patching the rest would leave updates unqueued.
    const changed = DB_GO.replace('func (db *DB) InTransaction(', 'func (db *DB) WithTransaction(');
    writeFileSync(file, changed);
    assert.throws(() => patchWriteQueue(source), (err: Error) => err.message.includes('cannot patch FerretDB') && err.message.includes('InTransaction'));
    assert.equal(readFileSync(file, 'utf8'), changed);
  });

  it('refuses a source already patched rather than locking twice', function () {
    writeFileSync(file, DB_GO);
    patchWriteQueue(source);
    const once = readFileSync(file, 'utf8');
    assert.throws(() => patchWriteQueue(source), /cannot patch FerretDB/);
    assert.equal(readFileSync(file, 'utf8'), once);
  });
});

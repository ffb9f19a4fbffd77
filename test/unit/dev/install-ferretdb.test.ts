import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { patchWriteQueue, WRITE_QUEUE_SOURCE } from '../../../dev/embedded/install-ferretdb';
import { findOnPath } from '../../../dev/embedded/process';

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
  'func WrapDB(db *sql.DB, name string, l *slog.Logger) *DB {',
  '\tres := &DB{',
  '\t\tmetricsCollector: newMetricsCollector(name, db.Stats),',
  '\t\tsqlDB:            db,',
  '\t\tl:                logging.WithName(l, name),',
  '\t}',
  '\treturn res',
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
  let queueFile: string;
  beforeEach(function () {
    source = mkdtempSync(join(tmpdir(), 'hookflow-ferretdb-src-'));
    mkdirSync(join(source, 'internal', 'util', 'fsql'), { recursive: true });
    file = join(source, 'internal', 'util', 'fsql', 'db.go');
    queueFile = join(dirname(file), 'write_queue.go');
  });
  afterEach(function () {
    rmSync(source, { recursive: true, force: true });
  });

  it('adds the write queue and makes every write statement and every transaction wait for its turn first', function () {
    writeFileSync(file, DB_GO);
    patchWriteQueue(source);
    const patched = readFileSync(file, 'utf8');

    assert.equal(readFileSync(queueFile, 'utf8'), readFileSync(WRITE_QUEUE_SOURCE, 'utf8'));
    assert.match(patched, /\tsqlDB +\*sql\.DB\n\twrites +\*writeQueue /);
    assert.match(patched, /\t\tsqlDB: +db,\n\t\twrites: +newWriteQueue\(writeQueueTimeout\),\n/);
    const turn = (failed: string): string => `\tif err := db.writes.acquire(ctx); err != nil {\n\t\treturn ${failed}\n\t}\n\tdefer db.writes.release()\n\n`;
    assert.ok(patched.includes(`(sql.Result, error) {\n\t// hookflow: wait for this database's write turn (write_queue.go).\n${turn('nil, lazyerrors.Error(err)')}\treturn db.sqlDB.ExecContext`), patched);
    assert.ok(patched.includes(`(err error) {\n\t// hookflow: wait for this database's write turn (write_queue.go).\n${turn('lazyerrors.Error(err)')}\treturn nil`), patched);
    assert.equal(patched.split('db.writes.acquire(ctx)').length - 1, 2);
  });

  it('refuses a source it does not recognise, naming what is missing, and leaves the source as it was', function () {
    // A later FerretDB that renamed the transaction helper: patching the rest would leave updates unqueued.
    const changed = DB_GO.replace('func (db *DB) InTransaction(', 'func (db *DB) WithTransaction(');
    writeFileSync(file, changed);
    assert.throws(() => patchWriteQueue(source), (err: Error) => err.message.includes('cannot patch FerretDB') && err.message.includes('InTransaction'));
    assert.equal(readFileSync(file, 'utf8'), changed);
    assert.equal(existsSync(queueFile), false);
  });

  it('refuses a source already patched rather than queueing twice', function () {
    writeFileSync(file, DB_GO);
    patchWriteQueue(source);
    const once = readFileSync(file, 'utf8');
    assert.throws(() => patchWriteQueue(source), /cannot patch FerretDB: .*write_queue\.go exists already/);
    assert.equal(readFileSync(file, 'utf8'), once);
  });
});

describe('the write queue added to FerretDB (ferretdb-patch/write_queue.go)', function () {
  it('passes its Go tests: one writer at a time, in arrival order; a waiter leaves when its context ends or after the timeout', async function () {
    const go = findOnPath('go', process.env);
    // The installer needs Go to build FerretDB at all; without it there is no build to test.
    if (go === undefined) this.skip();
    this.timeout(180_000); // a cold Go build cache compiles the standard library's test packages first
    const module = mkdtempSync(join(tmpdir(), 'hookflow-write-queue-'));
    try {
      for (const name of ['write_queue.go', 'write_queue_test.go']) copyFileSync(join(dirname(WRITE_QUEUE_SOURCE), name), join(module, name));
      writeFileSync(join(module, 'go.mod'), 'module fsql\n\ngo 1.21\n');
      const { stdout } = await promisify(execFile)(go, ['test', '-count=1', '-v', '.'], { cwd: module, env: { ...process.env, GOWORK: 'off', GOFLAGS: '-mod=mod' } });
      for (const name of ['TestOneWriterAtATime', 'TestWritersGetTheirTurnInArrivalOrder', 'TestAWriterWhoseClientWentAwayLeavesTheQueue', 'TestAWaitEndsAfterTheQueueTimeout']) {
        assert.match(stdout, new RegExp(`--- PASS: ${name} `), stdout);
      }
    } finally {
      rmSync(module, { recursive: true, force: true });
    }
  });
});

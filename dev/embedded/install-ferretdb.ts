import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/config/paths';
import { INSTALL_LOCK_TIMEOUT_MS, installLogFile, seconds, type InstallContext } from './install';
import { withLock } from './lock';
import { findOnPath, isExecutable, run } from './process';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
/** What the stamp file holds: the version and our patches, so a build without one of them is rebuilt. */
const BUILD_STAMP = `${FERRETDB_VERSION}+hookflow-id-index+write-queue-2`;
/** The Go file `patchWriteQueue` adds to FerretDB, kept in the repository (not compiled to dist). */
export const WRITE_QUEUE_SOURCE = join(repoRoot(), 'dev', 'embedded', 'ferretdb-patch', 'write_queue.go');

/**
 * FerretDB (MongoDB wire protocol over SQLite), built from the Go module proxy on first use.
 *
 * Not with `go install module@version`: FerretDB panics at start-up unless the file
 * build/version/version.txt, which its release process generates, is compiled in. So the module
 * source is copied out of the module cache, given that file, and built there.
 *
 * Two patches are applied before the build: without `patchIdLookup` every lookup by `_id` reads
 * the whole collection; without `patchWriteQueue` concurrent writes wait on each other by polling,
 * and a write's wait runs into seconds under load.
 */
export async function ensureFerretdb(ctx: InstallContext): Promise<string> {
  if (isInstalled(ctx)) return binaryPath(ctx);
  return withLock(join(ctx.tools, '.install-ferretdb.lock'), { what: 'the FerretDB build', timeoutMs: INSTALL_LOCK_TIMEOUT_MS, log: ctx.log }, async () => {
    if (isInstalled(ctx)) return binaryPath(ctx);
    const logFile = installLogFile(ctx, 'ferretdb');
    const go = findOnPath('go', ctx.env);
    if (go === undefined) {
      throw new Error('no MongoDB server: mongod is not on PATH and go (1.24+, to build FerretDB) was not found. Install Go, put mongod on PATH, or set MONGO_URL');
    }
    const started = Date.now();
    ctx.log(`building FerretDB ${FERRETDB_VERSION} (with the _id lookup and write queue patches) with Go into ${binaryPath(ctx)} (once; a few minutes)...`);
    const staging = join(ctx.tools, `.build-ferretdb-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    try {
      const source = await downloadModule(go, ctx, logFile);
      cpSync(source, staging, { recursive: true });
      makeWritable(staging); // the module cache is read-only
      writeFileSync(join(staging, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
      writeFileSync(join(staging, 'build', 'version', 'package.txt'), 'hookflow\n');
      patchIdLookup(staging);
      patchWriteQueue(staging);
      // Not inside the source tree, whose ferretdb/ folder (the embeddable package) `-o` would write into.
      mkdirSync(join(ctx.tools, 'bin'), { recursive: true });
      const built = `${binaryPath(ctx)}.${process.pid}.tmp`;
      try {
        await run(go, ['build', '-buildvcs=false', '-o', built, './cmd/ferretdb'], { cwd: staging, env: { ...ctx.env, GOWORK: 'off' }, logFile });
        await checkVersion(built);
        renameSync(built, binaryPath(ctx));
      } finally {
        rmSync(built, { force: true });
      }
      writeFileSync(stampPath(ctx), BUILD_STAMP);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    ctx.log(`built FerretDB in ${seconds(started)}`);
    return binaryPath(ctx);
  });
}

function binaryPath(ctx: InstallContext): string {
  return join(ctx.tools, 'bin', 'ferretdb');
}

/** Written after the binary is checked and in place. */
function stampPath(ctx: InstallContext): string {
  return join(ctx.tools, 'bin', 'ferretdb.version');
}

function readStamp(ctx: InstallContext): string | undefined {
  const stamp = stampPath(ctx);
  return existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : undefined;
}

function isInstalled(ctx: InstallContext): boolean {
  return isExecutable(binaryPath(ctx)) && readStamp(ctx) === BUILD_STAMP;
}

/**
 * FerretDB 1.24's SQLite backend indexes `_id` as `_ferretdb_sjson->"_id"` but looks it up (find,
 * update, delete by `_id`) as `_ferretdb_sjson->'$._id'`. SQLite matches an expression index only
 * to the same expression, so every lookup by `_id` scanned the whole table: 17 ms with 1,000
 * events, 58 ms with 4,000 (`EXPLAIN QUERY PLAN`: SCAN instead of SEARCH ... USING INDEX). Both
 * expressions extract the same value, so the lookup is rewritten to the indexed one; stored data
 * and indexes are unchanged.
 */
export function patchIdLookup(sourceDir: string): void {
  const file = join(sourceDir, 'internal', 'backends', 'sqlite', 'metadata', 'metadata.go');
  const before = `IDColumn = DefaultColumn + "->'$._id'"`;
  const after = 'IDColumn = DefaultColumn + `->"_id"`';
  const text = readFileSync(file, 'utf8');
  if (!text.includes(before)) throw new Error(`cannot patch FerretDB: ${file} no longer contains ${before}`);
  writeFileSync(file, text.replace(before, after));
}

/**
 * SQLite lets one write transaction into a database file at a time. FerretDB 1.24 opens up to 100
 * connections per database and leaves their writes to meet inside SQLite, whose busy handler makes
 * a refused writer sleep and try again (1, 2, 5, 10 ... 100 ms), while a writer that arrives just
 * as the lock frees gets it first. Under hookflow's mix of writes (`npm run bench:store-writes`:
 * two loops inserting groups of events and their pending starts, as receivers do, beside loops
 * updating events, as workers do) a group's inserts waited up to seconds. Here each database's
 * writes queue in FerretDB itself, in arrival order, so SQLite never has to refuse one
 * (ferretdb-patch/write_queue.go, tested by its own Go test). A waiting write gives up after 10 s,
 * as SQLite's busy timeout bounded it before, or when its request's context ends (FerretDB shuts
 * down). Group inserts, before -> after: beside 16 updating loops, p99 0.95-1.1 s -> 110-121 ms
 * (p50 23 -> 68-75 ms: each waits its turn now) and 10-35 % more writes per second; beside 4, p50
 * 28 -> 23 ms, p99 364 -> 48 ms, and 2.1 times the groups per second. Reads do not queue: in WAL
 * mode they never wait for a writer. Every write of the SQLite backend goes through the two methods
 * edited here (transactions for inserts and updates, one statement for deletes and schema
 * changes); neither calls the other.
 */
export function patchWriteQueue(sourceDir: string): void {
  const folder = join(sourceDir, 'internal', 'util', 'fsql');
  const file = join(folder, 'db.go');
  const queueFile = join(folder, 'write_queue.go');
  if (existsSync(queueFile)) throw new Error(`cannot patch FerretDB: ${queueFile} exists already`);
  let text = readFileSync(file, 'utf8');
  const waitForTurn = (failed: string): string =>
    `\t// hookflow: wait for this database's write turn (write_queue.go).\n\tif err := db.writes.acquire(ctx); err != nil {\n\t\treturn ${failed}\n\t}\n\tdefer db.writes.release()\n\n`;
  const edits: readonly (readonly [before: string, after: string])[] = [
    ['\tsqlDB     *sql.DB\n', '\tsqlDB     *sql.DB\n\twrites    *writeQueue // hookflow: one writer at a time, queued here rather than in SQLite\n'],
    ['\t\tsqlDB:            db,\n', '\t\tsqlDB:            db,\n\t\twrites:           newWriteQueue(writeQueueTimeout),\n'],
    [
      'func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {\n',
      `func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {\n${waitForTurn('nil, lazyerrors.Error(err)')}`,
    ],
    [
      'func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {\n',
      `func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {\n${waitForTurn('lazyerrors.Error(err)')}`,
    ],
  ];
  for (const [before, after] of edits) {
    if (text.split(before).length !== 2) throw new Error(`cannot patch FerretDB: ${file} no longer contains ${JSON.stringify(before)} exactly once`);
    text = text.replace(before, after);
  }
  writeFileSync(file, text);
  copyFileSync(WRITE_QUEUE_SOURCE, queueFile);
}

/** The module's source folder in the Go module cache, downloaded through the module proxy if needed. */
async function downloadModule(go: string, ctx: InstallContext, logFile: string): Promise<string> {
  const output = await run(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { env: ctx.env, logFile });
  const info: unknown = JSON.parse(output);
  if (typeof info === 'object' && info !== null && 'Dir' in info && typeof info.Dir === 'string') return info.Dir;
  throw new Error(`go mod download printed no module folder: ${output.slice(0, 200)}`);
}

async function checkVersion(binary: string): Promise<void> {
  const output = await run(binary, ['--version']);
  if (!output.includes(`version: ${FERRETDB_VERSION}`)) throw new Error(`${binary} --version printed "${firstLine(output)}"`);
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else if (entry.isFile()) chmodSync(path, 0o644);
  }
}

function firstLine(value: unknown): string {
  const text = value instanceof Error ? value.message : String(value);
  return text.split('\n')[0] ?? text;
}

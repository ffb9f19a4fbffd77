import { createHash } from 'node:crypto';
import { chownSync, cpSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { run, type RunAs } from './process';

/** Where a local PostgreSQL listens and keeps its files. */
export interface PostgresServerConfig {
  /** The folder holding `postgres`, `initdb`, `pg_isready`. */
  readonly bin: string;
  readonly host: string;
  readonly port: number;
  /** PGDATA: owned by the user PostgreSQL runs as. */
  readonly dataDir: string;
}

/** The superuser initdb creates; local TCP connections are trusted (loopback only, a dev server). */
export const POSTGRES_USER = 'postgres';

/** PostgreSQL refuses to run as root: then it runs as `nobody`, which exists on every Linux. */
const UNPRIVILEGED_USER = 'nobody';

/** The user to run PostgreSQL as: undefined (ourselves) unless we are root. */
export async function postgresRunAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string): Promise<number> => Number((await run('id', [flag, UNPRIVILEGED_USER])).trim());
  const [uid, gid] = [await id('-u'), await id('-g')];
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`cannot find the uid of user ${UNPRIVILEGED_USER}, needed to run PostgreSQL when started as root`);
  return { name: UNPRIVILEGED_USER, uid, gid };
}

/**
 * Where PostgreSQL's binaries and data go when it runs as another user: where they are, if that
 * user can reach them; else (a checkout under a folder closed to others, as a CI runner's may be)
 * a copy of the binaries and the data folder under the system's temp folder, which everyone can
 * reach. `log` says when that happens.
 */
export function placeForUser(
  config: Pick<PostgresServerConfig, 'bin' | 'dataDir'>,
  user: RunAs | undefined,
  log: (line: string) => void,
): Pick<PostgresServerConfig, 'bin' | 'dataDir'> {
  if (user === undefined || (searchableByOthers(config.bin) && searchableByOthers(dirname(config.dataDir)))) return config;
  const base = join(tmpdir(), `hookflow-postgres-${createHash('sha256').update(config.dataDir).digest('hex').slice(0, 12)}`);
  mkdirSync(base, { recursive: true, mode: 0o755 });
  const install = join(base, 'pginstall');
  const copied = join(base, 'pginstall.copied');
  if (!existsSync(copied)) {
    cpSync(dirname(config.bin), install, { recursive: true });
    writeFileSync(copied, config.bin);
  }
  log(`PostgreSQL runs as ${user.name}, who cannot reach ${config.dataDir}: its binaries and data are in ${base} instead`);
  return { bin: join(install, 'bin'), dataDir: join(base, 'data') };
}

/** Every folder from the root down to `dir` lets others search it (o+x). */
function searchableByOthers(dir: string): boolean {
  const { root } = parse(dir);
  for (let at = dir; ; at = dirname(at)) {
    try {
      if ((statSync(at).mode & 0o001) === 0) return false;
    } catch {
      // Not created yet: its parent decides.
    }
    if (at === root) return true;
  }
}

/** Creates the database cluster in `dataDir` once (initdb), owned by `user`. */
export async function initPostgres(config: PostgresServerConfig, user: RunAs | undefined, logFile: string): Promise<void> {
  if (existsSync(join(config.dataDir, 'PG_VERSION'))) return;
  mkdirSync(dirname(config.dataDir), { recursive: true });
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  if (user !== undefined) chownSync(config.dataDir, user.uid, user.gid);
  const args = ['-D', config.dataDir, '-U', POSTGRES_USER, '--auth=trust', '--encoding=UTF8', '--no-instructions'];
  try {
    await run(join(config.bin, 'initdb'), args, { logFile, cwd: config.dataDir, ...(user === undefined ? {} : { user }) });
  } catch (err) {
    const hint =
      user === undefined ? '' : `\n(PostgreSQL runs as ${user.name}: every folder above ${config.dataDir} and the binaries in ${config.bin} must be readable and searchable by others)`;
    throw new Error(`${err instanceof Error ? err.message : String(err)}${hint}`);
  }
}

/**
 * `postgres` on TCP loopback only (no Unix socket, whose default folder may not be writable by the
 * user it runs as). Connections: the Temporal server's pools per service and store, with room.
 */
export function postgresArgs(config: PostgresServerConfig): string[] {
  return ['-D', config.dataDir, '-h', config.host, '-p', String(config.port), '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
}

/** Resolves once PostgreSQL accepts connections (pg_isready); throws otherwise. */
export async function checkPostgres(config: Pick<PostgresServerConfig, 'bin' | 'host' | 'port'>): Promise<void> {
  await run(join(config.bin, 'pg_isready'), ['-h', config.host, '-p', String(config.port), '-U', POSTGRES_USER, '-t', '2']);
}

import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

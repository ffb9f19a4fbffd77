import { MongoClient } from 'mongodb';

/** Where a local MongoDB-compatible server listens and keeps its files. */
export interface MongoServerConfig {
  readonly host: string;
  readonly port: number;
  /** Absolute path of the server's own data folder. */
  readonly dataDir: string;
}

export function mongodArgs(config: MongoServerConfig): string[] {
  return ['--dbpath', config.dataDir, '--bind_ip', config.host, '--port', String(config.port)];
}

/**
 * FerretDB over SQLite: one SQLite file per database in `dataDir`. Its debug HTTP listener
 * (default 127.0.0.1:8088) is turned off, as it would clash between two instances and with
 * anything else on that port.
 */
export function ferretdbArgs(config: MongoServerConfig): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${config.dataDir}/`,
    `--state-dir=${config.dataDir}`,
    `--listen-addr=${config.host}:${config.port}`,
    '--telemetry=disable',
    '--debug-addr=-',
    // At warn it logs every client's close (the driver's endSessions, which 1.24 lacks) with a full dump.
    '--log-level=error',
  ];
}

export function mongoUrlFor(host: string, port: number): string {
  return `mongodb://${host}:${port}`;
}

/** Resolves once the server at `url` answers a `ping` command; throws otherwise. */
export async function checkMongo(url: string, timeoutMs = 3000): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, directConnection: isLocal(url) });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

/** What answers at `url`: "FerretDB v1.24.2", "MongoDB 7.0.14", for the `up` summary. */
export async function describeMongo(url: string): Promise<string> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 3000, directConnection: isLocal(url) });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret: unknown = info.ferretdbVersion;
    if (typeof ferret === 'string') return `FerretDB ${ferret}`;
    return `MongoDB ${String(info.version)}`;
  } catch {
    return 'MongoDB';
  } finally {
    await client.close();
  }
}

/** A plain single-host URL: connect to that server itself, not to a replica set it may name. */
function isLocal(url: string): boolean {
  return /^mongodb:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(url);
}

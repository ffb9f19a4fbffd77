/** Which servers to use: external ones named by the environment, or embedded ones on these ports. */
export interface ServicesConfig {
  readonly temporal: TemporalTarget;
  readonly mongo: MongoTarget;
}

/** Which embedded Temporal: the CLI's dev server (SQLite, one process), or the full server on PostgreSQL. */
export type TemporalProfile = 'dev' | 'cluster';
export const TEMPORAL_PROFILES: readonly TemporalProfile[] = ['dev', 'cluster'];

export type TemporalTarget =
  | { readonly kind: 'external'; readonly address: string; readonly namespace: string; readonly uiUrl?: string }
  | { readonly kind: 'embedded'; readonly ip: string; readonly port: number; readonly uiPort: number; readonly namespace: string }
  | {
      readonly kind: 'cluster';
      readonly ip: string;
      /** The frontend's gRPC port; the server's other services listen on the next eight. */
      readonly port: number;
      readonly postgresPort: number;
      /** The Web UI server's HTTP port. */
      readonly uiPort: number;
      readonly namespace: string;
    };

export type MongoTarget =
  | { readonly kind: 'external'; readonly url: string }
  | { readonly kind: 'embedded'; readonly host: string; readonly port: number };

export interface TargetOptions {
  /** An external Temporal frontend (host:port); default `TEMPORAL_ADDRESS`. */
  temporalAddress?: string;
  /** Default `TEMPORAL_NAMESPACE`, else `default`. */
  temporalNamespace?: string;
  /** An external MongoDB; default `MONGO_URL`. */
  mongoUrl?: string;
  /** Embedded Temporal's gRPC port; default `HOOKFLOW_TEMPORAL_PORT`, else 7233. */
  temporalPort?: number;
  /** Embedded Temporal's Web UI port; default `HOOKFLOW_TEMPORAL_UI_PORT`, else the gRPC port + 1000. */
  temporalUiPort?: number;
  /** Embedded MongoDB's port; default `HOOKFLOW_MONGO_PORT`, else 27017. */
  mongoPort?: number;
  /** Which embedded Temporal; default `HOOKFLOW_TEMPORAL`, else `dev`. */
  temporalProfile?: TemporalProfile;
  /** The cluster profile's PostgreSQL port; default `HOOKFLOW_POSTGRES_PORT`, else the gRPC port + 9. */
  postgresPort?: number;
}

/** The full server's SQL schema keeps membership ports in a smallint. */
const MAX_CLUSTER_PORT = 32_767;

/** Embedded servers listen on loopback only. */
export const LOCAL_HOST = '127.0.0.1';

export function resolveServicesConfig(opts: TargetOptions = {}, env: NodeJS.ProcessEnv = process.env): ServicesConfig {
  const namespace = opts.temporalNamespace ?? nonEmpty(env.TEMPORAL_NAMESPACE) ?? 'default';
  const temporalAddress = opts.temporalAddress ?? nonEmpty(env.TEMPORAL_ADDRESS);
  let temporal: TemporalTarget;
  if (temporalAddress !== undefined) {
    const uiUrl = nonEmpty(env.TEMPORAL_UI_URL);
    temporal = { kind: 'external', address: temporalAddress, namespace, ...(uiUrl === undefined ? {} : { uiUrl }) };
  } else if ((opts.temporalProfile ?? profileFromEnv(env)) === 'cluster') {
    const port = opts.temporalPort ?? portFromEnv(env, 'HOOKFLOW_TEMPORAL_PORT') ?? 7233;
    // The frontend's port and the eight after it are the server's; PostgreSQL takes the next.
    const postgresPort = opts.postgresPort ?? portFromEnv(env, 'HOOKFLOW_POSTGRES_PORT') ?? port + 9;
    const uiPort = opts.temporalUiPort ?? portFromEnv(env, 'HOOKFLOW_TEMPORAL_UI_PORT') ?? port + 1000;
    checkPort('temporalPort', port);
    checkPort('postgresPort', postgresPort);
    checkPort('temporalUiPort', uiPort);
    // The server stores its services' membership ports in a PostgreSQL smallint.
    if (port + 8 > MAX_CLUSTER_PORT) {
      throw new TypeError(`the Temporal cluster takes ports ${port}-${port + 8}, and the last must be at most ${MAX_CLUSTER_PORT} (its SQL schema stores them as smallint): set HOOKFLOW_TEMPORAL_PORT lower`);
    }
    if (postgresPort >= port && postgresPort <= port + 8) {
      throw new TypeError(`PostgreSQL's port ${postgresPort} is one of the Temporal cluster's (${port}-${port + 8}): set HOOKFLOW_POSTGRES_PORT to another`);
    }
    if ((uiPort >= port && uiPort <= port + 8) || uiPort === postgresPort) {
      throw new TypeError(`the Web UI's port ${uiPort} is taken by the Temporal cluster (${port}-${port + 8}) or PostgreSQL (${postgresPort}): set HOOKFLOW_TEMPORAL_UI_PORT to another`);
    }
    temporal = { kind: 'cluster', ip: LOCAL_HOST, port, postgresPort, uiPort, namespace };
  } else {
    const port = opts.temporalPort ?? portFromEnv(env, 'HOOKFLOW_TEMPORAL_PORT') ?? 7233;
    const uiPort = opts.temporalUiPort ?? portFromEnv(env, 'HOOKFLOW_TEMPORAL_UI_PORT') ?? port + 1000;
    checkPort('temporalPort', port);
    checkPort('temporalUiPort', uiPort);
    if (uiPort === port) throw new TypeError(`Temporal's gRPC port and Web UI port must differ (both ${port})`);
    temporal = { kind: 'embedded', ip: LOCAL_HOST, port, uiPort, namespace };
  }

  const mongoUrl = opts.mongoUrl ?? nonEmpty(env.MONGO_URL);
  let mongo: MongoTarget;
  if (mongoUrl !== undefined) {
    if (!/^mongodb(\+srv)?:\/\//.test(mongoUrl)) throw new TypeError(`MONGO_URL must start with mongodb:// or mongodb+srv:// (got "${mongoUrl}")`);
    mongo = { kind: 'external', url: mongoUrl };
  } else {
    const port = opts.mongoPort ?? portFromEnv(env, 'HOOKFLOW_MONGO_PORT') ?? 27017;
    checkPort('mongoPort', port);
    mongo = { kind: 'embedded', host: LOCAL_HOST, port };
  }

  if (mongo.kind === 'embedded') {
    const temporalPorts = temporalPortsOf(temporal);
    if (temporalPorts.includes(mongo.port)) throw new TypeError(`MongoDB's port ${mongo.port} is also one of Temporal's (${temporalPorts.join(', ')})`);
  }
  return { temporal, mongo };
}

/** The local ports an embedded Temporal listens on. */
function temporalPortsOf(temporal: TemporalTarget): number[] {
  if (temporal.kind === 'embedded') return [temporal.port, temporal.uiPort];
  if (temporal.kind === 'cluster') return [...Array.from({ length: 9 }, (_, i) => temporal.port + i), temporal.postgresPort, temporal.uiPort];
  return [];
}

function profileFromEnv(env: NodeJS.ProcessEnv): TemporalProfile {
  const raw = nonEmpty(env.HOOKFLOW_TEMPORAL);
  if (raw === undefined) return 'dev';
  const profile = TEMPORAL_PROFILES.find((p) => p === raw);
  if (profile === undefined) throw new TypeError(`HOOKFLOW_TEMPORAL must be one of ${TEMPORAL_PROFILES.join(', ')} (got "${raw}")`);
  return profile;
}

function portFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!isPort(port)) throw new TypeError(`${name} must be a port number from 1 to 65535 (got "${raw}")`);
  return port;
}

function checkPort(name: string, port: number): void {
  if (!isPort(port)) throw new TypeError(`${name} must be a port number from 1 to 65535 (got ${port})`);
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

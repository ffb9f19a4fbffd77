/** Which servers to use: external ones named by the environment, or embedded ones on these ports. */
export interface ServicesConfig {
  readonly temporal: TemporalTarget;
  readonly mongo: MongoTarget;
}

export type TemporalTarget =
  | { readonly kind: 'external'; readonly address: string; readonly namespace: string; readonly uiUrl?: string }
  | { readonly kind: 'embedded'; readonly ip: string; readonly port: number; readonly uiPort: number; readonly namespace: string };

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
}

/** Embedded servers listen on loopback only. */
export const LOCAL_HOST = '127.0.0.1';

export function resolveServicesConfig(opts: TargetOptions = {}, env: NodeJS.ProcessEnv = process.env): ServicesConfig {
  const namespace = opts.temporalNamespace ?? nonEmpty(env.TEMPORAL_NAMESPACE) ?? 'default';
  const temporalAddress = opts.temporalAddress ?? nonEmpty(env.TEMPORAL_ADDRESS);
  let temporal: TemporalTarget;
  if (temporalAddress !== undefined) {
    const uiUrl = nonEmpty(env.TEMPORAL_UI_URL);
    temporal = { kind: 'external', address: temporalAddress, namespace, ...(uiUrl === undefined ? {} : { uiUrl }) };
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

  if (temporal.kind === 'embedded' && mongo.kind === 'embedded') {
    const clash = [temporal.port, temporal.uiPort].includes(mongo.port);
    if (clash) throw new TypeError(`MongoDB's port ${mongo.port} is also one of Temporal's (${temporal.port}, ${temporal.uiPort})`);
  }
  return { temporal, mongo };
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

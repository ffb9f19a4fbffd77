import { z } from 'zod';
import { formatIssues } from './errors';

/** An unset or empty variable: compose files and Helm charts often set `VAR: ""` for "none". */
const optional = <T extends z.ZodType>(type: T) => z.preprocess((value) => (value === '' ? undefined : value), type.optional());

/**
 * Settings read from the environment. Every variable is optional: the defaults run the whole
 * service against the embedded servers. TEMPORAL_ADDRESS and MONGO_URL switch to external ones.
 */
const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('hookflow'),
  TEMPORAL_UI_URL: z.url().optional(),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  MONGO_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only').default('hookflow'),
  HOOKFLOW_CONFIG: z.string().min(1).optional(),
  /**
   * The embedded servers' ports (npm start, npm run services:up move them with these), and so the
   * addresses the service and the CLI use when TEMPORAL_ADDRESS / MONGO_URL are unset.
   */
  HOOKFLOW_TEMPORAL_PORT: optional(z.coerce.number().int().min(1).max(65535)),
  HOOKFLOW_MONGO_PORT: optional(z.coerce.number().int().min(1).max(65535)),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  /**
   * Bytes of webhook bodies held in memory by all requests together; past it a request is answered
   * 503 receiver_busy. Each request counts the body bytes it has received so far, never what it declares.
   */
  MAX_BUFFERED_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024 * 1024),
  /** Connections open at once on each HTTP port; one more is closed as soon as it is accepted. */
  MAX_CONNECTIONS: z.coerce.number().int().positive().default(1024),
  /** How long one workflow start call (the starter's, a relay's) may wait for Temporal. */
  START_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
  /**
   * How often the relay looks for pending starts whose receiver's starter did not get to them (it
   * died, or still waits for Temporal). A fallback's pace: each receiver starts its own events.
   */
  RELAY_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
  /** Workflow starts in flight at once in each receiver's starter. */
  STARTER_CONCURRENCY: z.coerce.number().int().positive().default(16),
  /**
   * Past this many events stored but not started yet (all receivers together), deliveries are
   * answered 503 backlog_full with Retry-After, before their body is read.
   */
  MAX_PENDING_STARTS: z.coerce.number().int().positive().default(10_000),
  /**
   * When most store writes of the last second (more than half of at least three; writes still
   * running counted at their age so far) take longer than this, deliveries are answered 503
   * store_slow, so providers retry instead of timing out. One slow write alone never sheds.
   */
  STORE_SLOW_MS: z.coerce.number().int().positive().default(1000),
  /**
   * Workflow runs a worker keeps in memory between their tasks (Temporal's sticky cache); past it,
   * the least recently used is dropped and replayed from its history at its next task. Set, not
   * derived: the SDK sizes the cache from V8's heap limit, and the heap budget the image sets
   * (NODE_OPTIONS, see docs/operations.md) would shrink it to 32. 250 kept the burst's pace (its
   * 1,000 open runs partly replayed) and the worker at 260 MiB through the bench's ordering phase
   * (295 with 500).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().positive().default(250),
  /** Finished events older than this are deleted; 0 keeps them for ever. */
  RETENTION_DAYS: z.coerce.number().min(0).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: pretty when stdout is a terminal outside production, JSON otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  NODE_ENV: z.string().optional(),
  /** Enables /admin. Unset or empty: /admin answers 404. */
  ADMIN_TOKEN: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().min(16, 'use at least 16 characters (e.g. openssl rand -hex 32)').optional(),
  ),
  /** A second port serving /metrics, /healthz and /readyz: the worker-only process has no other. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** host:port where the Temporal runtime exports its own worker metrics for Prometheus. */
  TEMPORAL_METRICS_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'host:port, e.g. 0.0.0.0:9464').optional(),
  /** How long SIGTERM/SIGINT may take before the process exits anyway. */
  STOP_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** A slow sender gets this long for its headers, then a 408 and a closed connection. */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** ...and this long for the whole request, body included. */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),

  // Connection security for Temporal, under the Temporal CLI's own names (`temporal options`), so one
  // environment serves both. Files are read and checked by src/config/temporal-connection.ts.
  /** TLS on or off; unset: on when any setting below is set. */
  TEMPORAL_TLS: optional(z.enum(['true', 'false', '1', '0', 'on', 'off'], 'true or false').transform((v) => ['true', '1', 'on'].includes(v))),
  /** PEM file of the CA that signed Temporal's certificate; unset: the system's trusted CAs. */
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optional(z.string()),
  /** PEM files of the client certificate and its private key (mTLS). */
  TEMPORAL_TLS_CLIENT_CERT_PATH: optional(z.string()),
  TEMPORAL_TLS_CLIENT_KEY_PATH: optional(z.string()),
  /** The name Temporal's certificate is checked against, when it is not the address's host. */
  TEMPORAL_TLS_SERVER_NAME: optional(z.string()),
  /** An API key (Temporal Cloud), sent as `Authorization: Bearer`; or a file holding it. */
  TEMPORAL_API_KEY: optional(z.string()),
  TEMPORAL_API_KEY_FILE: optional(z.string()),
}).refine((env) => env.HTTP_REQUEST_TIMEOUT_MS >= env.HTTP_HEADERS_TIMEOUT_MS, {
  path: ['HTTP_REQUEST_TIMEOUT_MS'],
  message: 'must be at least HTTP_HEADERS_TIMEOUT_MS',
}).refine((env) => env.MAX_BUFFERED_BODY_BYTES >= env.MAX_BODY_BYTES, {
  path: ['MAX_BUFFERED_BODY_BYTES'],
  message: 'must be at least MAX_BODY_BYTES, or no body at the limit could ever be taken',
}).superRefine((env, ctx) => {
  const problem = (variable: string, message: string): void => void ctx.addIssue({ code: 'custom', path: [variable], message });
  if ((env.TEMPORAL_TLS_CLIENT_CERT_PATH === undefined) !== (env.TEMPORAL_TLS_CLIENT_KEY_PATH === undefined)) {
    const missing = env.TEMPORAL_TLS_CLIENT_CERT_PATH === undefined ? 'TEMPORAL_TLS_CLIENT_CERT_PATH' : 'TEMPORAL_TLS_CLIENT_KEY_PATH';
    problem(missing, 'set the client certificate and its key together (mTLS), or neither');
  }
  if (env.TEMPORAL_API_KEY !== undefined && env.TEMPORAL_API_KEY_FILE !== undefined) {
    problem('TEMPORAL_API_KEY_FILE', 'set TEMPORAL_API_KEY or TEMPORAL_API_KEY_FILE, not both');
  }
  if (env.TEMPORAL_TLS === false) {
    const needsTls = TEMPORAL_TLS_SETTINGS.filter((name) => env[name] !== undefined);
    if (needsTls.length > 0) problem('TEMPORAL_TLS', `is false, but ${needsTls.join(', ')} ${needsTls.length > 1 ? 'need' : 'needs'} TLS: unset TEMPORAL_TLS or those`);
  }
});

/** Settings that make no sense, or would send a credential in clear, without TLS: each turns it on. */
export const TEMPORAL_TLS_SETTINGS = [
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_API_KEY',
  'TEMPORAL_API_KEY_FILE',
] as const;

export type Env = z.infer<typeof schema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) throw new ConfigError(`Invalid environment:\n${formatIssues(result.error.issues)}`);
  return result.data;
}

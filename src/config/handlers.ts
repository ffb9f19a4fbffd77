import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { secretKey } from '../providers/standard-webhooks';
import { CREDENTIAL_HEADERS, REDACTED } from '../event/credential-headers';
import { durationSchema } from './duration-schema';
import { resolveSecret, secretRef } from './secret-ref';

/*
 * The `handlers` section of the config file: named destinations that routes refer to. A handler's
 * secrets stay here, in the worker's memory: workflows and their histories only ever see its name.
 */

/** Header names hookflow sets itself on every forward; a handler may not replace them. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'idempotency-key',
]);

/** An HTTP header name (RFC 9110 token). */
export const HTTP_HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** The message for a header name the config may not use, or undefined when it is fine. */
function headerNameProblem(name: string): string | undefined {
  if (!HTTP_HEADER_NAME.test(name)) return 'not an HTTP header name';
  if (RESERVED_HEADERS.has(name.toLowerCase())) return 'set by hookflow itself; cannot be configured';
  return undefined;
}

const headerName = z.string().superRefine((name, ctx) => {
  const problem = headerNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A credential header is stored redacted: forwarding it would send the marker, not the value. */
const forwardedHeaderName = headerName.superRefine((name, ctx) => {
  if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
    ctx.addIssue({
      code: 'custom',
      message: `${name} is a credential header, stored as "${REDACTED}", so it cannot be forwarded; give the destination its own credentials in headers`,
    });
  }
});

/** Header names are record keys here: checked one by one so the message names the header. */
const headerValues = z.record(z.string(), secretRef).superRefine((headers, ctx) => {
  for (const name of Object.keys(headers)) {
    const problem = headerNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
});

/**
 * Flow control of one handler, shared by every worker: `rate` is enforced by the Temporal server on
 * the handler's task queue (src/flow/handler-queues.ts), `concurrency` by the handler's permit
 * workflow (workflows/handler-permits.ts).
 */
const limitsSchema = z
  .object({
    /** Attempts started per second, all workers together; fractions allowed (0.5: one every 2 s). */
    rate: z.number({ error: 'a number of attempts per second, e.g. 10 or 0.5' }).positive('must be more than 0; to stop a handler, pause it (hookflow handlers pause)').max(100_000).optional(),
    /** Attempts in flight at once, all workers together. */
    concurrency: z.int({ error: 'a whole number of attempts, e.g. 5' }).min(1, 'must be at least 1; to stop a handler, pause it (hookflow handlers pause)').max(10_000).optional(),
  })
  .strict();

/** The circuit breaker's defaults (docs/routes-and-handlers.md): on for every handler unless `breaker: false`. */
export const DEFAULT_BREAKER: BreakerSettings = {
  consecutiveFailures: 10,
  failureRatio: 0.5,
  minimumAttempts: 20,
  windowMs: 5 * 60_000,
  probeIntervalMs: 30_000,
  maximumProbeIntervalMs: 10 * 60_000,
};

const breakerObject = z
  .object({
    /** Opens after this many failed attempts in a row. */
    consecutiveFailures: z.int().min(1, 'at least 1').optional(),
    /** ...or when more than this share of the attempts within `window` failed, */
    failureRatio: z.number().gt(0, 'more than 0').max(1, 'at most 1').optional(),
    /** ...counting only once at least this many attempts were made within `window`. */
    minimumAttempts: z.int().min(1, 'at least 1').optional(),
    window: durationSchema.optional(),
    /** The wait before the first probe; doubled after each failed probe, up to `maximumProbeInterval`. */
    probeInterval: durationSchema.optional(),
    maximumProbeInterval: durationSchema.optional(),
  })
  .strict();

/** `false`, or the breaker's settings; the object's own problems are reported field by field. Absent: the defaults. */
const breakerSchema = z.unknown().transform((value, ctx): z.infer<typeof breakerObject> | false => {
  if (value === false) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'false, or an object with consecutiveFailures, failureRatio, minimumAttempts, window, probeInterval, maximumProbeInterval' });
    return z.NEVER;
  }
  const parsed = breakerObject.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

/** Settings every kind of handler has. */
const commonHandlerFields = {
  limits: limitsSchema.default({}),
  breaker: breakerSchema.optional(),
};

const httpHandlerSchema = z
  .object({
    ...commonHandlerFields,
    kind: z.literal('http'),
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
    /** Our own Standard Webhooks secret (`whsec_...`) that the destination verifies with. */
    secret: secretRef,
    /** Extra headers, e.g. an Authorization token: values may come from the environment or a file. */
    headers: headerValues.default({}),
    /** Headers of the original delivery to pass along (e.g. user-agent). */
    forwardHeaders: z.array(forwardedHeaderName).default([]),
  })
  .strict();

const moduleHandlerSchema = z
  .object({
    ...commonHandlerFields,
    kind: z.literal('module'),
    /** The compiled JavaScript module, relative to the config file. */
    module: z.string().min(1),
    export: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'a JavaScript export name').default('default'),
  })
  .strict();

export const handlerSchema = z.discriminatedUnion('kind', [httpHandlerSchema, moduleHandlerSchema], {
  error: 'a handler needs "kind": "http" or "module"',
});

/** Absent: no limit. */
export interface HandlerLimits {
  readonly ratePerSecond?: number;
  readonly concurrency?: number;
}

export interface BreakerSettings {
  readonly consecutiveFailures: number;
  readonly failureRatio: number;
  readonly minimumAttempts: number;
  readonly windowMs: number;
  readonly probeIntervalMs: number;
  readonly maximumProbeIntervalMs: number;
}

interface CommonHandlerConfig {
  readonly name: string;
  readonly limits: HandlerLimits;
  /** Null: `breaker: false`. */
  readonly breaker: BreakerSettings | null;
}

export interface HttpHandlerConfig extends CommonHandlerConfig {
  readonly kind: 'http';
  readonly url: string;
  readonly secret: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Lower-case names. */
  readonly forwardHeaders: readonly string[];
}

export interface ModuleHandlerConfig extends CommonHandlerConfig {
  readonly kind: 'module';
  /** Absolute. */
  readonly modulePath: string;
  readonly exportName: string;
}

export type HandlerConfig = HttpHandlerConfig | ModuleHandlerConfig;
export type HandlerKind = HandlerConfig['kind'];

export interface ResolveContext {
  readonly env: NodeJS.ProcessEnv;
  readonly baseDir: string;
  /** Reports one problem, already prefixed with its place. */
  readonly problem: (line: string) => void;
}

/** Resolves secrets and paths of one handler; problems are reported, not thrown. */
export function resolveHandler(name: string, raw: z.infer<typeof handlerSchema>, ctx: ResolveContext): HandlerConfig {
  const where = `handlers.${name}`;
  const { rate, concurrency } = raw.limits;
  const limits: HandlerLimits = { ...(rate === undefined ? {} : { ratePerSecond: rate }), ...(concurrency === undefined ? {} : { concurrency }) };
  const breaker = breakerSettings(raw.breaker);
  if (breaker && breaker.maximumProbeIntervalMs < breaker.probeIntervalMs) {
    ctx.problem(`${where}.breaker: maximumProbeInterval must not be shorter than probeInterval`);
  }
  if (raw.kind === 'module') {
    const modulePath = isAbsolute(raw.module) ? raw.module : resolve(ctx.baseDir, raw.module);
    try {
      require.resolve(modulePath);
    } catch {
      ctx.problem(`${where}.module: cannot find ${modulePath} (give the compiled .js file)`);
    }
    return { kind: 'module', name, limits, breaker, modulePath, exportName: raw.export };
  }
  const secret = resolveSecret(raw.secret, ctx.env, ctx.baseDir, (msg) => ctx.problem(`${where}.secret: ${msg}`)) ?? '';
  if (secret !== '' && !isSigningSecret(secret)) {
    ctx.problem(`${where}.secret: must be whsec_ followed by base64, e.g. whsec_$(openssl rand -base64 32)`);
  }
  const headers: Record<string, string> = {};
  for (const [header, ref] of Object.entries(raw.headers)) {
    const value = resolveSecret(ref, ctx.env, ctx.baseDir, (msg) => ctx.problem(`${where}.headers.${header}: ${msg}`));
    headers[header.toLowerCase()] = value ?? '';
  }
  return {
    kind: 'http',
    name,
    limits,
    breaker,
    url: raw.url,
    secret,
    headers,
    forwardHeaders: raw.forwardHeaders.map((h) => h.toLowerCase()),
  };
}

function breakerSettings(given: z.infer<typeof breakerSchema> | undefined): BreakerSettings | null {
  if (given === false) return null;
  const raw = given ?? {};
  const d = DEFAULT_BREAKER;
  return {
    consecutiveFailures: raw.consecutiveFailures ?? d.consecutiveFailures,
    failureRatio: raw.failureRatio ?? d.failureRatio,
    minimumAttempts: raw.minimumAttempts ?? d.minimumAttempts,
    windowMs: raw.window ?? d.windowMs,
    probeIntervalMs: raw.probeInterval ?? d.probeIntervalMs,
    maximumProbeIntervalMs: raw.maximumProbeInterval ?? Math.max(d.maximumProbeIntervalMs, raw.probeInterval ?? 0),
  };
}

/** Our own signing secret: `whsec_` and base64, as Standard Webhooks senders show theirs. */
export function isSigningSecret(secret: string): boolean {
  if (!secret.startsWith('whsec_')) return false;
  try {
    secretKey(secret);
    return true;
  } catch {
    return false;
  }
}

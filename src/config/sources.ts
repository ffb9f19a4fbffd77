import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { getProvider, providers } from '../providers';
import { isSafePath } from '../providers/json-path';
import type { Provider } from '../providers/types';
import { CREDENTIAL_HEADERS } from '../event/credential-headers';
import { alertsSchema, resolveAlerts, type AlertsConfig } from './alerts';
import { ConfigError } from './env';
import { formatIssues } from './errors';
import { handlerSchema, HTTP_HEADER_NAME, resolveHandler, type HandlerConfig } from './handlers';
import { defaultsSchema, deliveryProblems, mergeDelivery, orderingSettings, routeSchema, type RouteConfig } from './routes';
import { resolveSecret, secretRef } from './secret-ref';

/** Where the event ID comes from when the provider's own rule does not fit. */
const eventIdRule = z.union([
  z.object({ header: z.string().min(1).toLowerCase() }).strict(),
  z.object({ field: z.string().refine(isSafePath, 'a dotted path such as data.id') }).strict(),
]);

const sourceSchema = z
  .object({
    provider: z.string().refine((name) => getProvider(name) !== undefined, {
      message: `unknown provider; one of: ${Object.keys(providers).join(', ')}`,
    }),
    secrets: z.array(secretRef).min(1, 'at least one secret is required'),
    toleranceSeconds: z.number().int().positive().optional(),
    maxBodyBytes: z.number().int().positive().optional(),
    eventId: eventIdRule.optional(),
    publicUrl: z.url().optional(),
    /** Headers whose values are stored redacted, on top of CREDENTIAL_HEADERS. */
    redactHeaders: z.array(z.string().regex(HTTP_HEADER_NAME, 'not an HTTP header name').toLowerCase()).default([]),
    /** Whether a body already received is a duplicate whatever its event ID; see SourceConfig.dedupByBody. */
    dedupByBody: z.boolean().optional(),
    options: z.record(z.string(), z.unknown()).default({}),
    /** Which handlers an event goes to; an event no route matches is `ignored`. */
    routes: z.array(routeSchema).default([]),
  })
  .strict();

/**
 * Source and handler names become URL segments, workflow IDs, idempotency keys and MongoDB values:
 * keep them plain. Checked here rather than by a key schema, whose message would only say
 * "Invalid key in record".
 */
const PLAIN_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function namedRecord<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    for (const name of Object.keys(record)) {
      if (!PLAIN_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'name: lower-case letters, digits, _ and - (max 63)' });
    }
  });
}

const fileSchema = z
  .object({
    sources: namedRecord(sourceSchema).refine((s) => Object.keys(s).length > 0, 'define at least one source'),
    handlers: namedRecord(handlerSchema).default({}),
    /** Delivery settings for every route that does not set its own. */
    defaults: defaultsSchema.default({}),
    /** Who is told when events park, breakers trip or the backlog grows (src/alerts). */
    alerts: alertsSchema.optional(),
  })
  .strict();

export type EventIdRule = z.infer<typeof eventIdRule>;

export interface SourceConfig {
  readonly name: string;
  readonly provider: Provider<unknown>;
  readonly secrets: readonly string[];
  /** Undefined when the provider signs no timestamp. */
  readonly toleranceSeconds: number | undefined;
  readonly maxBodyBytes: number;
  readonly eventId: EventIdRule | undefined;
  readonly publicUrl: string | undefined;
  /** Lower-case names of the headers stored with their value replaced: CREDENTIAL_HEADERS and the source's own. */
  readonly redactHeaders: ReadonlySet<string>;
  /**
   * Whether a body already received from this source is a duplicate whatever event ID it carries.
   * On by default when the signature does not cover the event ID (see Provider.signsEventId), which
   * would otherwise let anyone resend a signed delivery under a fresh ID.
   */
  readonly dedupByBody: boolean;
  readonly options: unknown;
  /** In file order; every matching route contributes its handlers. */
  readonly routes: readonly RouteConfig[];
}

export interface HookflowConfig {
  readonly sources: ReadonlyMap<string, SourceConfig>;
  /** By name; routes refer to these. */
  readonly handlers: ReadonlyMap<string, HandlerConfig>;
  readonly alerts: AlertsConfig;
}

export interface LoadOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly defaultMaxBodyBytes: number;
}

/** Reads and validates the config file; throws a ConfigError listing every problem with its place. */
export function loadConfigFile(path: string, opts: LoadOptions): HookflowConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`Config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(json, { ...opts, baseDir: dirname(path), label: path });
}

export function parseConfig(
  json: unknown,
  opts: LoadOptions & { baseDir: string; label: string },
): HookflowConfig {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`Invalid config ${opts.label}:\n${formatIssues(parsed.error.issues)}`);

  const env = opts.env ?? process.env;
  const problems: string[] = [];
  const handlers = new Map<string, HandlerConfig>();
  const handlerCtx = { env, baseDir: opts.baseDir, problem: (line: string) => problems.push(`  - ${line}`) };
  for (const [name, raw] of Object.entries(parsed.data.handlers)) handlers.set(name, resolveHandler(name, raw, handlerCtx));
  const defaultsProblems = deliveryProblems(mergeDelivery({}, parsed.data.defaults));
  const sources = new Map<string, SourceConfig>();
  for (const [name, raw] of Object.entries(parsed.data.sources)) {
    const where = `sources.${name}`;
    const provider = getProvider(raw.provider);
    if (!provider) continue; // refused by the schema above
    const secrets = raw.secrets.map((ref, i) => {
      const secret = resolveSecret(ref, env, opts.baseDir, (msg) => problems.push(`  - ${where}.secrets[${i}]: ${msg}`));
      const problem = secret === undefined ? undefined : secretProblem(provider, secret);
      if (problem) problems.push(`  - ${where}.secrets[${i}]: ${problem}`);
      return secret ?? '';
    });
    if (provider.signsUrl && raw.publicUrl === undefined) {
      const example = `https://hooks.example.com/webhooks/${name}`;
      problems.push(`  - ${where}.publicUrl: required for ${provider.name}: ${provider.name} signs the URL it calls; set publicUrl to exactly that URL (e.g. ${example})`);
    }
    let options: unknown = raw.options;
    if (provider.optionsSchema) {
      const result = provider.optionsSchema.safeParse(raw.options);
      if (result.success) options = result.data;
      else problems.push(formatIssues(result.error.issues, `${where}.options`));
    }
    const routes = raw.routes.map((route, i): RouteConfig => {
      const at = `${where}.routes[${i}]`;
      route.handlers.forEach((handler, j) => {
        const config = handlers.get(handler);
        if (!config) problems.push(`  - ${at}.handlers[${j}]: no handler named "${handler}" in handlers (${knownNames(handlers)})`);
        for (const name of config?.kind === 'http' ? config.forwardHeaders : []) {
          if (raw.redactHeaders.includes(name)) {
            problems.push(`  - ${at}.handlers[${j}]: handler "${handler}" forwards ${name}, which this source stores redacted (redactHeaders); remove it from the handler's forwardHeaders`);
          }
        }
      });
      const delivery = mergeDelivery(route, parsed.data.defaults);
      // A problem the route only inherits is reported once, at `defaults`.
      for (const problem of deliveryProblems(delivery)) if (!defaultsProblems.includes(problem)) problems.push(`  - ${at}: ${problem}`);
      const keyHeader = route.ordering && 'header' in route.ordering.key ? route.ordering.key.header : undefined;
      if (keyHeader !== undefined && (raw.redactHeaders.includes(keyHeader) || CREDENTIAL_HEADERS.has(keyHeader))) {
        problems.push(`  - ${at}.ordering.key.header: ${keyHeader} is stored redacted, so every event would have the same key; order by another header or a body field`);
      }
      return { match: route.match, handlers: route.handlers, ...delivery, ...(route.ordering ? { ordering: orderingSettings(route.ordering) } : {}) };
    });
    sources.set(name, {
      name,
      provider,
      secrets,
      toleranceSeconds: raw.toleranceSeconds ?? provider.defaultToleranceSeconds,
      maxBodyBytes: raw.maxBodyBytes ?? opts.defaultMaxBodyBytes,
      eventId: raw.eventId,
      publicUrl: raw.publicUrl,
      redactHeaders: new Set([...CREDENTIAL_HEADERS, ...raw.redactHeaders]),
      dedupByBody: raw.dedupByBody ?? !signsEventId(provider, raw.eventId),
      options,
      routes,
    });
  }
  for (const problem of defaultsProblems) problems.push(`  - defaults: ${problem}`);
  const alerts = resolveAlerts(parsed.data.alerts, handlerCtx);
  if (problems.length > 0) throw new ConfigError(`Invalid config ${opts.label}:\n${problems.join('\n')}`);
  return { sources, handlers, alerts };
}

/** A source's own `eventId` rule decides: a body field is signed, a header is not (as far as we know). */
function signsEventId(provider: Provider<unknown>, rule: EventIdRule | undefined): boolean {
  if (rule === undefined) return provider.signsEventId;
  return 'field' in rule;
}

/** What is wrong with a resolved secret: the provider's own format rule, then its minimum key length. Never quotes the secret. */
function secretProblem(provider: Provider<unknown>, secret: string): string | undefined {
  const formatProblem = provider.checkSecret?.(secret);
  if (formatProblem) return formatProblem;
  const keyBytes = provider.secretKey ? provider.secretKey(secret).length : Buffer.byteLength(secret, 'utf8');
  if (keyBytes >= provider.minSecretBytes) return undefined;
  const what = provider.secretKey ? 'the decoded key' : 'the secret';
  return `too short: ${provider.name} needs ${what} to be at least ${provider.minSecretBytes} bytes; use the secret the sender shows, or a random one (e.g. openssl rand -hex 32)`;
}

function knownNames(map: ReadonlyMap<string, unknown>): string {
  return map.size === 0 ? 'none defined' : `defined: ${[...map.keys()].join(', ')}`;
}

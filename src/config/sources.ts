import { readFileSync } from 'node:fs';
import { isAbsolute, resolve, dirname } from 'node:path';
import { z } from 'zod';
import { getProvider, providers } from '../providers';
import { isSafePath } from '../providers/json-path';
import type { Provider } from '../providers/types';
import { ConfigError } from './env';
import { formatIssues } from './errors';

/** A secret is written literally (development only), or read from an environment variable or a file. */
const secretRef = z.union([
  z.string().min(1),
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);

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
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** Source names become URL segments, workflow IDs and MongoDB values: keep them plain. */
const sourceName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and - (max 63)');

const fileSchema = z
  .object({
    sources: z.record(sourceName, sourceSchema).refine((s) => Object.keys(s).length > 0, 'define at least one source'),
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
  readonly options: unknown;
}

export interface HookflowConfig {
  readonly sources: ReadonlyMap<string, SourceConfig>;
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
  const sources = new Map<string, SourceConfig>();
  for (const [name, raw] of Object.entries(parsed.data.sources)) {
    const where = `sources.${name}`;
    const provider = getProvider(raw.provider);
    if (!provider) continue; // refused by the schema above
    const secrets = raw.secrets.map((ref, i) => {
      const secret = resolveSecret(ref, env, opts.baseDir, (msg) => problems.push(`  - ${where}.secrets[${i}]: ${msg}`));
      const problem = secret === undefined ? undefined : provider.checkSecret?.(secret);
      if (problem) problems.push(`  - ${where}.secrets[${i}]: ${problem}`);
      return secret ?? '';
    });
    let options: unknown = raw.options;
    if (provider.optionsSchema) {
      const result = provider.optionsSchema.safeParse(raw.options);
      if (result.success) options = result.data;
      else problems.push(formatIssues(result.error.issues, `${where}.options`));
    }
    sources.set(name, {
      name,
      provider,
      secrets,
      toleranceSeconds: raw.toleranceSeconds ?? provider.defaultToleranceSeconds,
      maxBodyBytes: raw.maxBodyBytes ?? opts.defaultMaxBodyBytes,
      eventId: raw.eventId,
      publicUrl: raw.publicUrl,
      options,
    });
  }
  if (problems.length > 0) throw new ConfigError(`Invalid config ${opts.label}:\n${problems.join('\n')}`);
  return { sources };
}

/** The messages name the variable or file, never the secret's value. */
function resolveSecret(
  ref: z.infer<typeof secretRef>,
  env: NodeJS.ProcessEnv,
  baseDir: string,
  problem: (msg: string) => void,
): string | undefined {
  if (typeof ref === 'string') return ref;
  if ('env' in ref) {
    const value = env[ref.env];
    if (!value) problem(`environment variable ${ref.env} is not set`);
    return value || undefined;
  }
  const path = isAbsolute(ref.file) ? ref.file : resolve(baseDir, ref.file);
  try {
    const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    if (!value) problem(`secret file ${path} is empty`);
    return value || undefined;
  } catch (err) {
    problem(`cannot read secret file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    return undefined;
  }
}

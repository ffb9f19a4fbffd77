import { resolve } from 'node:path';
import { Command } from 'commander';
import { loadEnv } from '../config/env';
import { configPath } from '../config/paths';
import { loadConfigFile, type SourceConfig } from '../config/sources';
import { printJson, printLines, table } from './format';

interface CheckOptions {
  readonly config?: string;
  readonly json?: boolean;
}

/** What `config check` shows of a source: its shape, never a secret's value. */
interface SourceSummary {
  readonly name: string;
  readonly provider: string;
  readonly secrets: number;
  readonly toleranceSeconds: number | null;
  readonly maxBodyBytes: number;
  readonly eventId: string;
  readonly endpoint: string;
  readonly routes?: number;
}

/** `hookflow config check`: validates the environment and the config file the service would load. */
export function configCommand(): Command {
  const config = new Command('config').description('the sources and routes file');
  config
    .command('check')
    .description('validate the environment and the config file, and print the sources the receiver would accept')
    .option('--config <path>', 'the file to check (default: HOOKFLOW_CONFIG, else config/hookflow.dev.json)')
    .option('--json', 'print JSON for scripts')
    .action((options: CheckOptions) => {
      const env = loadEnv();
      const path = options.config ? resolve(options.config) : configPath(env);
      const loaded = loadConfigFile(path, { defaultMaxBodyBytes: env.MAX_BODY_BYTES });
      const sources = [...loaded.sources.values()].map(summarize);
      if (options.json) return printJson({ valid: true, path, sources });
      printLines([
        `${path}: valid, ${sources.length} source(s)`,
        ...table(
          ['SOURCE', 'PROVIDER', 'SECRETS', 'TOLERANCE', 'MAX BODY', 'EVENT ID', 'ENDPOINT'],
          sources.map((s) => [
            s.name,
            s.provider,
            String(s.secrets),
            s.toleranceSeconds === null ? '-' : `${s.toleranceSeconds}s`,
            String(s.maxBodyBytes),
            s.eventId,
            s.endpoint,
          ]),
        ),
      ]);
    });
  return config;
}

function summarize(source: SourceConfig): SourceSummary {
  const rule = source.eventId;
  return {
    name: source.name,
    provider: source.provider.name,
    secrets: source.secrets.length,
    toleranceSeconds: source.toleranceSeconds ?? null,
    maxBodyBytes: source.maxBodyBytes,
    eventId: rule === undefined ? 'provider' : 'header' in rule ? `header ${rule.header}` : `field ${rule.field}`,
    endpoint: `POST /webhooks/${source.name}`,
    // Routes arrive with the processing work (issue 4); counted when the config has them.
    ...('routes' in source && Array.isArray(source.routes) ? { routes: source.routes.length } : {}),
  };
}

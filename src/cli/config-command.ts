import { resolve } from 'node:path';
import { Command } from 'commander';
import { checkBodyLimits } from '../config/body-limits';
import { loadEnv } from '../config/env';
import { configPath } from '../config/paths';
import { serverAddresses } from '../config/servers';
import { loadConfigFile } from '../config/sources';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { summarizeConfig } from './config-summary';
import { printJson, printLines, table } from './format';

interface CheckOptions {
  readonly config?: string;
  readonly json?: boolean;
}

/** `hookflow config check`: validates the environment and the config file the service would load. */
export function configCommand(): Command {
  const config = new Command('config').description('the sources and routes file');
  config
    .command('check')
    .description('validate the environment and the config file, and print the sources, routes and handlers it would accept')
    .option('--config <path>', 'the file to check (default: HOOKFLOW_CONFIG, else config/hookflow.dev.json)')
    .option('--json', 'print JSON for scripts')
    .action((options: CheckOptions) => {
      const env = loadEnv();
      // The TLS files and the API key are checked as at start-up (offline: Temporal is not asked).
      temporalConnectionOptions(env, serverAddresses(env).temporalAddress);
      const path = options.config ? resolve(options.config) : configPath(env);
      const loaded = loadConfigFile(path, { defaultMaxBodyBytes: env.MAX_BODY_BYTES });
      // The receiver refuses to start with these: a check that passes them would say valid for nothing.
      checkBodyLimits(loaded, env.MAX_BUFFERED_BODY_BYTES);
      const { sources, handlers, notifiers } = summarizeConfig(loaded);
      if (options.json) return printJson({ valid: true, path, sources, handlers, notifiers });
      const routes = sources.flatMap((s) => s.routes.map((r) => ({ source: s.name, ...r })));
      printLines([
        `${path}: valid, ${sources.length} source(s), ${routes.length} route(s), ${handlers.length} handler(s)`,
        '',
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
        ...(routes.length === 0
          ? []
          : [
              '',
              ...table(
                ['SOURCE', 'MATCH', 'HANDLERS', 'ATTEMPTS', 'TIMEOUT', 'WAIT FOR OPERATOR', 'ORDERING'],
                routes.map((r) => [r.source, r.match, r.handlers.join(', '), String(r.maximumAttempts), r.timeout, r.waitForOperator, r.ordering ?? '-']),
              ),
            ]),
        ...(handlers.length === 0
          ? []
          : [
              '',
              ...table(
                ['HANDLER', 'KIND', 'TARGET', 'HEADERS'],
                handlers.map((h) => [h.name, h.kind, h.target, h.headerNames.join(', ') || '-']),
              ),
            ]),
        ...(notifiers.length === 0
          ? []
          : ['', ...table(['NOTIFIER', 'KIND', 'TARGET', 'BATCH WINDOW'], notifiers.map((n) => [n.name, n.kind, n.target, n.batchWindow]))]),
      ]);
    });
  return config;
}

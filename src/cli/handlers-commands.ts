import { Command } from 'commander';
import { configPath } from '../config/paths';
import { loadConfigFile } from '../config/sources';
import { listHandlers, pauseHandler, resumeHandler, type HandlerConfigs, type HandlerView } from '../ops/handlers';
import { printJson, printLines, table } from './format';
import { withSession, type CliSession } from './session';

interface JsonOption {
  readonly json?: boolean;
}

/** The handlers of the config file the service runs with (HOOKFLOW_CONFIG). */
function configuredHandlers(session: CliSession): HandlerConfigs {
  return loadConfigFile(configPath(session.env), { defaultMaxBodyBytes: session.env.MAX_BODY_BYTES }).handlers;
}

function state(handler: HandlerView): string {
  if (!handler.paused) return handler.state;
  return `paused by ${handler.paused.by} at ${handler.paused.at}${handler.paused.reason === undefined ? '' : `: ${handler.paused.reason}`}`;
}

function limit(value: number | null, unit: string): string {
  return value === null ? '-' : `${value}${unit}`;
}

/** `hookflow handlers list|pause|resume`: the flow control of each handler (src/flow). */
export function handlersCommand(): Command {
  const handlers = new Command('handlers').description("the handlers of the config file: their state, limits and waiting attempts; pause and resume");
  handlers
    .command('list')
    .description('each handler: active or paused, its limits, and the attempts waiting for it (Temporal\'s approximate count)')
    .option('--json', 'print JSON for scripts')
    .action(async (options: JsonOption, command: Command) => {
      const list = await withSession(command, (s) => listHandlers(s.ops, configuredHandlers(s)));
      if (options.json) return printJson({ handlers: list });
      printLines(
        table(
          ['HANDLER', 'KIND', 'RATE', 'CONCURRENCY', 'WAITING', 'OLDEST', 'STATE'],
          list.map((h) => [h.name, h.kind, limit(h.limits.rate, '/s'), limit(h.limits.concurrency, ''), String(h.backlog), `${Math.round(h.oldestWaitSeconds)}s`, state(h)]),
        ),
      );
    });
  handlers
    .command('pause')
    .description('start no attempt of this handler, on any worker, until resumed; events keep arriving and wait')
    .argument('<name>', 'handler name, as in the config file')
    .option('--reason <text>', 'why, shown by handlers list')
    .option('--json', 'print JSON for scripts')
    .action(async (name: string, options: JsonOption & { readonly reason?: string }, command: Command) => {
      const handler = await withSession(command, (s) => pauseHandler(s.ops, configuredHandlers(s), name, options.reason));
      if (options.json) return printJson(handler);
      printLines([`${handler.name}: paused; ${handler.backlog} attempt(s) waiting`]);
    });
  handlers
    .command('resume')
    .description("let the handler's waiting attempts go, oldest first, within its limits")
    .argument('<name>', 'handler name, as in the config file')
    .option('--json', 'print JSON for scripts')
    .action(async (name: string, options: JsonOption, command: Command) => {
      const handler = await withSession(command, (s) => resumeHandler(s.ops, configuredHandlers(s), name));
      if (options.json) return printJson(handler);
      printLines([`${handler.name}: resumed; ${handler.backlog} attempt(s) waiting`]);
    });
  return handlers;
}

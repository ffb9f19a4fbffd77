import { Command } from 'commander';
import { positiveInt } from './arguments';
import { backlogCommand } from './backlog-command';
import { bulkCommand } from './bulk-command';
import { configCommand } from './config-command';
import { eventsCommand } from './events-commands';
import { failureOf } from './exit-codes';
import { handlersCommand } from './handlers-commands';
import { printable } from './format';
import { runCommands } from './run-commands';

/** The `hookflow` command tree. Commander throws instead of exiting, so one place picks the exit code. */
export function buildProgram(): Command {
  const program = new Command('hookflow')
    .description('Operate hookflow: inspect stored webhook events and drive their Temporal runs.')
    .option('--timeout <ms>', 'deadline for each call to Temporal', positiveInt, 5000);
  program.addCommand(eventsCommand());
  for (const command of runCommands()) program.addCommand(command);
  program.addCommand(bulkCommand());
  program.addCommand(configCommand());
  program.addCommand(backlogCommand());
  program.addCommand(handlersCommand());
  // Added commands do not inherit these settings: set them on every command of the tree.
  const configure = (command: Command): void => {
    command.exitOverride().showHelpAfterError('(add --help for usage)');
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs the CLI; resolves the exit code after printing any failure to stderr. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const failure = failureOf(err);
    if (failure.message !== undefined) process.stderr.write(`hookflow: ${printable(failure.message)}\n`);
    return failure.exitCode;
  }
}

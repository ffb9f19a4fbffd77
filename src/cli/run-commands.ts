import { Argument, Command, Option } from 'commander';
import { replayEvent, resetEvent, signalEvent, terminateEvent, type EventSignal, type ResetPoint } from '../ops/runs';
import { resetPoint } from './arguments';
import { printJson, printLines } from './format';
import { withSession } from './session';

interface JsonOption {
  readonly json?: boolean;
}

function print(options: JsonOption, result: unknown, line: string): void {
  if (options.json) printJson(result);
  else printLines([line]);
}

/** `hookflow replay|signal|reset|terminate <id>`: drive one event's run. */
export function runCommands(): Command[] {
  const replay = new Command('replay')
    .description("process a stored event again from its stored payload, even after its run closed (a reset to the run's first workflow task, or a new run)")
    .argument('<id>', 'event ID: <source>:<eventId>')
    .option('--force', 'also when the run is still open: end it and start over')
    .option('--json', 'print JSON for scripts')
    .action(async (id: string, options: JsonOption & { readonly force?: boolean }, command: Command) => {
      const result = await withSession(command, (s) => replayEvent(s.ops, id, { force: options.force === true }));
      print(options, result, `${result.id}: replayed (${result.how}), new run ${result.runId}`);
    });

  const signal = new Command('signal')
    .description("send an open run one of the workflow's operator signals")
    .argument('<id>', 'event ID: <source>:<eventId>')
    .addArgument(new Argument('<signal>', 'redeliver or discard').choices(['redeliver', 'discard']))
    .option('--handler <name>', 'redeliver: only this handler')
    .option('--reason <text>', 'discard: why')
    .option('--json', 'print JSON for scripts')
    .action(async (id: string, name: EventSignal, options: JsonOption & { readonly handler?: string; readonly reason?: string }, command: Command) => {
      const args = { ...(options.handler === undefined ? {} : { handler: options.handler }), ...(options.reason === undefined ? {} : { reason: options.reason }) };
      const result = await withSession(command, (s) => signalEvent(s.ops, id, name, args));
      print(options, result, `${result.id}: ${result.signal} sent to ${result.workflowId}`);
    });

  const reset = new Command('reset')
    .description("reset the event's run to a workflow task; Temporal starts a new run from there")
    .argument('<id>', 'event ID: <source>:<eventId>')
    .addOption(new Option('--to <point>', 'first, last, or a history event ID (a WorkflowTaskCompleted)').argParser(resetPoint).makeOptionMandatory())
    .option('--reason <text>', 'why, kept in the run history')
    .option('--json', 'print JSON for scripts')
    .action(async (id: string, options: JsonOption & { readonly to: ResetPoint; readonly reason?: string }, command: Command) => {
      const result = await withSession(command, (s) => resetEvent(s.ops, id, options.to, options.reason));
      print(options, result, `${result.id}: reset to event ${result.resetToEventId}, new run ${result.runId}`);
    });

  const terminate = new Command('terminate')
    .description("end the event's open run at once, without cleanup")
    .argument('<id>', 'event ID: <source>:<eventId>')
    .requiredOption('--reason <text>', 'why, kept in the run history')
    .option('--json', 'print JSON for scripts')
    .action(async (id: string, options: JsonOption & { readonly reason: string }, command: Command) => {
      const result = await withSession(command, (s) => terminateEvent(s.ops, id, options.reason));
      print(options, result, `${result.id}: terminated`);
    });

  return [replay, signal, reset, terminate];
}

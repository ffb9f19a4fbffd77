import { Command } from 'commander';
import { OpsError, type OpsContext } from '../ops/context';
import { isEmptyQuery, parseEventFilter } from '../ops/events';
import { findTargets, runBulk, type BulkSummary, type TargetSpec } from '../ops/bulk';
import { replayEvent, signalEvent, terminateEvent } from '../ops/runs';
import { addFilterOptions, positiveInt, rate, type FilterOptions } from './arguments';
import { printJson, printLines } from './format';
import { progressBar } from './progress';
import { withSession } from './session';

interface BulkOptions extends FilterOptions {
  readonly query?: string;
  readonly all?: boolean;
  readonly limit?: number;
  readonly dryRun?: boolean;
  readonly rate: number;
  readonly json?: boolean;
  readonly force?: boolean;
  readonly handler?: string;
  readonly reason?: string;
}

type Operation = (ctx: OpsContext, id: string, options: BulkOptions) => Promise<unknown>;

const OPERATIONS: Readonly<Record<'replay' | 'redeliver' | 'terminate', { readonly summary: string; readonly op: Operation }>> = {
  replay: { summary: 'replay every matching event', op: (ctx, id, o) => replayEvent(ctx, id, { force: o.force === true }) },
  redeliver: {
    summary: "signal every matching event's run to redeliver",
    op: (ctx, id, o) => signalEvent(ctx, id, 'redeliver', o.handler === undefined ? {} : { handler: o.handler }),
  },
  terminate: { summary: "terminate every matching event's open run", op: (ctx, id, o) => terminateEvent(ctx, id, o.reason ?? '') },
};

/** `hookflow bulk replay|redeliver|terminate`: one operation over many events, rate-limited. */
export function bulkCommand(): Command {
  const bulk = new Command('bulk').description('replay, redeliver or terminate many events at once, selected by a filter');
  for (const [name, { summary, op }] of Object.entries(OPERATIONS)) {
    const command = addFilterOptions(bulk.command(name).description(summary))
      .option('--query <visibility>', 'select runs with a Temporal visibility query instead, e.g. WebhookStatus = "failed"')
      .option('--all', 'no filter: every stored event')
      .option('--limit <n>', 'at most this many events', positiveInt)
      .option('--dry-run', 'list what would be done, do nothing')
      .option('--rate <n>', 'operations started per second, at most', rate, 10)
      .option('--json', 'print JSON for scripts');
    if (name === 'replay') command.option('--force', 'also replay events whose run is still open');
    if (name === 'redeliver') command.option('--handler <name>', 'only this handler');
    if (name === 'terminate') command.requiredOption('--reason <text>', 'why, kept in each run history');
    command.action(async (options: BulkOptions, cmd: Command) => {
      const spec = targetSpec(options);
      const exitCode = await withSession(cmd, async (session) => {
        const ids = await findTargets(session.ops, spec);
        if (options.dryRun) return printDryRun(name, ids, options.json === true);
        const bar = progressBar(name, ids.length);
        const summary = await runBulk(ids, (id) => op(session.ops, id, options), {
          rate: options.rate,
          onProgress: (done, total) => bar.update(done, total),
        }).finally(() => bar.stop());
        return printSummary(name, summary, options.json === true);
      });
      process.exitCode = exitCode;
    });
  }
  return bulk;
}

function targetSpec(options: BulkOptions): TargetSpec {
  const events = parseEventFilter(options);
  const limit = options.limit ?? 0;
  if (options.query !== undefined) {
    if (!isEmptyQuery(events) || options.all) throw new OpsError('bad_request', 'use either --query or the event filters, not both');
    return { visibilityQuery: options.query, limit };
  }
  if (isEmptyQuery(events) && !options.all) {
    throw new OpsError('bad_request', 'select events with filters (--source, --status, --type, --since, --until) or --query; --all means every event');
  }
  return { events, limit };
}

function printDryRun(name: string, ids: readonly string[], json: boolean): number {
  if (json) printJson({ dryRun: true, operation: name, ids });
  else printLines([`would ${name} ${ids.length} event(s):`, ...ids.map((id) => `  ${id}`)]);
  return 0;
}

function printSummary(name: string, summary: BulkSummary, json: boolean): number {
  if (json) printJson({ operation: name, ...summary });
  else {
    printLines([
      `${name}: ${summary.succeeded} succeeded, ${summary.failed.length} failed, ${summary.notAttempted.length} not attempted, of ${summary.total}`,
      ...summary.failed.map((f) => `  failed  ${f.id}: ${f.error}`),
      ...summary.notAttempted.map((id) => `  skipped ${id}`),
    ]);
  }
  return summary.failed.length === 0 && summary.notAttempted.length === 0 ? 0 : 1;
}

import { Command } from 'commander';
import { PendingStartStore } from '../store/pending-starts';
import { countOpenRuns } from '../temporal/open-runs';
import { printJson, printLines, time } from './format';
import { withSession } from './session';

interface BacklogOptions {
  readonly json?: boolean;
}

/**
 * `hookflow backlog`: events acknowledged but not started yet (and since when), and runs started but
 * not finished. Reads `pending_starts` and asks Temporal for a count: never a scan of the events.
 */
export function backlogCommand(): Command {
  return new Command('backlog')
    .description('events stored but not started yet, the oldest of them, and runs not finished')
    .option('--json', 'print JSON for scripts')
    .action(async (options: BacklogOptions, command: Command) => {
      const backlog = await withSession(command, async (session) => {
        const pending = new PendingStartStore(session.ops.store.collection.db);
        const [notStarted, oldestReceivedAt, openRuns] = await Promise.all([
          pending.count(),
          pending.oldestReceivedAt(),
          countOpenRuns(session.ops.temporal, session.ops.taskQueue, session.ops.timeoutMs),
        ]);
        return { notStarted, oldestReceivedAt, openRuns };
      });
      if (options.json) return printJson(backlog);
      const oldest = backlog.oldestReceivedAt ? `, oldest received ${time(backlog.oldestReceivedAt)}` : '';
      printLines([`not started: ${backlog.notStarted}${oldest}; started, not finished: ${backlog.openRuns}`]);
    });
}

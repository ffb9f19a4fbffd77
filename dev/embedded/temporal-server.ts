import { Connection } from '@temporalio/client';
import type { TemporalConnectionOptions } from '../../src/config/temporal-connection';
import { searchAttributeFlags } from '../../src/temporal/search-attributes';

/** How to run `temporal server start-dev`. */
export interface TemporalDevServerConfig {
  readonly ip: string;
  readonly port: number;
  readonly uiPort: number;
  /** Created at start unless it is `default`, which always exists. */
  readonly namespace: string;
  /** SQLite file: workflow state survives restarts. */
  readonly dbFile: string;
}

export function temporalDevServerArgs(config: TemporalDevServerConfig): string[] {
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    config.dbFile,
    '--ip',
    config.ip,
    '--port',
    String(config.port),
    '--ui-port',
    String(config.uiPort),
    '--log-level',
    'warn',
    // One SQLite connection serves everything: WAL and fewer fsyncs let it keep up under load.
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    // One partition per task queue: with the default four, a task that lands in a partition
    // without a waiting poller is written to SQLite and read back instead of handed over.
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
    // The worker completing a workflow task gets the activities it schedules in the same answer,
    // saving the server an activity task dispatch per handler.
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    // Task queue fairness: tasks are handed out by their fairness key (the event's source, see
    // start-event.ts) in turn, not first-in first-out, so one source's backlog never starves the others.
    '--dynamic-config-value',
    'matching.enableFairness=true',
  ];
  if (config.namespace !== 'default') args.push('--namespace', config.namespace);
  for (const flag of searchAttributeFlags()) args.push('--search-attribute', flag);
  return args;
}

/**
 * Resolves once a Temporal frontend answers a real call (GetSystemInfo); throws otherwise. An open
 * port is not enough: the frontend listens before it can serve.
 */
export async function checkTemporal(options: TemporalConnectionOptions, timeoutMs = 3000): Promise<void> {
  const connection = await Connection.connect({ ...options, connectTimeout: timeoutMs });
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
  } finally {
    await connection.close();
  }
}

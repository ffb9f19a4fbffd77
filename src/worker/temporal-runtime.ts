import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Env } from '../config/env';
import type { Logger } from '../logger';

const SDK_LEVEL: Readonly<Record<string, LogLevel>> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' };

/**
 * Sets up the Temporal SDK runtime of a process that runs a worker, before any connection exists:
 * its log lines go through our logger (JSON like the rest), signals are left to src/entry.ts (which
 * stops everything in order), and with TEMPORAL_METRICS_ADDRESS the runtime serves its own worker
 * metrics (task latencies, slots, polls, activity failures) for Prometheus at that address.
 */
export function installTemporalRuntime(env: Env, logger: Logger): void {
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger(SDK_LEVEL[env.LOG_LEVEL] ?? 'ERROR', (entry) => {
      const meta = entry.meta ?? {};
      if (entry.level === 'ERROR') sdkLogger.error(meta, entry.message);
      else if (entry.level === 'WARN') sdkLogger.warn(meta, entry.message);
      else if (entry.level === 'INFO') sdkLogger.info(meta, entry.message);
      else sdkLogger.debug(meta, entry.message);
    }),
    shutdownSignals: [],
    ...(env.TEMPORAL_METRICS_ADDRESS ? { telemetryOptions: { metrics: { prometheus: { bindAddress: env.TEMPORAL_METRICS_ADDRESS } } } } : {}),
  });
}

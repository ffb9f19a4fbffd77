import { ConfigError, loadEnv, type Env } from './config/env';
import { configPath } from './config/paths';
import { serverAddresses } from './config/servers';
import { loadConfigFile, type HookflowConfig } from './config/sources';
import { createLogger, logFormat, type Logger } from './logger';
import { startHookflow } from './service';

export interface Bootstrap {
  readonly env: Env;
  readonly config: HookflowConfig;
  readonly logger: Logger;
}

/** What an entry point runs until a signal. */
export interface Running {
  stop(): Promise<void>;
  /** How long stop() may take before the process exits anyway; default 30 s. */
  readonly stopTimeoutMs?: number;
}

/** Reads and validates the environment and the config file: a mistake stops the process here. */
export function bootstrap(): Bootstrap {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, logFormat(env));
  const config = loadConfigFile(configPath(env), { defaultMaxBodyBytes: env.MAX_BODY_BYTES });
  return { env, config, logger };
}

/**
 * Runs an entry point until SIGINT or SIGTERM, then stops it once, and exits 0 (1 if stopping
 * failed or took too long). A signal during start-up stops it as soon as it has started. Every entry
 * point ends here, so failures are reported the same way: a config mistake as its message alone,
 * anything else with its stack; both exit non-zero.
 */
export function runMain(name: string, start: () => Promise<Running>): void {
  let running: Running | undefined;
  let signalled: NodeJS.Signals | undefined;

  const stop = (instance: Running, signal: NodeJS.Signals): void => {
    const graceMs = instance.stopTimeoutMs ?? 30_000;
    console.error(`${name}: ${signal} received, stopping (at most ${graceMs} ms)...`);
    setTimeout(() => {
      console.error(`${name}: did not stop within ${graceMs} ms; exiting`);
      process.exit(1);
    }, graceMs).unref();
    instance.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`${name}: error while stopping`, err);
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = signal;
    if (running) stop(running, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  start()
    .then((started) => {
      running = started;
      if (signalled) stop(started, signalled);
    })
    .catch((err: unknown) => {
      if (err instanceof ConfigError) console.error(`${name}: ${err.message}`);
      else console.error(`${name}: failed to start`, err);
      process.exit(1);
    });
}

/** Runs the receiver and/or the worker against servers named by the environment (production, Docker). */
export function runRole(name: string, roles: { receiver: boolean; worker: boolean }): void {
  runMain(name, async () => {
    const { env, config, logger } = bootstrap();
    // Imported here: a receiver alone does not load the worker SDK at all.
    if (roles.worker) (await import('./worker/temporal-runtime')).installTemporalRuntime(env, logger);
    const running = await startHookflow({ env, config, logger, ...serverAddresses(env), ...roles });
    logger.info({ url: running.url, monitoringUrl: running.monitoringUrl, taskQueue: env.TEMPORAL_TASK_QUEUE, ...roles }, `${name} running`);
    return { stop: () => running.stop(), stopTimeoutMs: env.STOP_TIMEOUT_MS };
  });
}

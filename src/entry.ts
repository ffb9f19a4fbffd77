import { ConfigError, loadEnv, type Env } from './config/env';
import { configPath } from './config/paths';
import { loadConfigFile, type HookflowConfig } from './config/sources';
import { createLogger, type Logger } from './logger';
import { startHookflow } from './service';

export interface Bootstrap {
  readonly env: Env;
  readonly config: HookflowConfig;
  readonly logger: Logger;
}

/** Reads and validates the environment and the config file: a mistake stops the process here. */
export function bootstrap(): Bootstrap {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  const config = loadConfigFile(configPath(env), { defaultMaxBodyBytes: env.MAX_BODY_BYTES });
  return { env, config, logger };
}

/**
 * Runs an entry point until SIGINT or SIGTERM, then stops it once, within `graceMs`. Every entry
 * point ends here, so failures are reported the same way: a config mistake as its message alone,
 * anything else with its stack; both exit non-zero.
 */
export function runMain(name: string, start: () => Promise<{ stop(): Promise<void> }>, graceMs = 30_000): void {
  start()
    .then((running) => {
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stopping) return;
        stopping = true;
        console.error(`${name}: ${signal} received, stopping...`);
        const force = setTimeout(() => {
          console.error(`${name}: did not stop within ${graceMs} ms; exiting`);
          process.exit(1);
        }, graceMs);
        force.unref();
        running.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            console.error(`${name}: error while stopping`, err);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    })
    .catch((err: unknown) => {
      if (err instanceof ConfigError) console.error(`${name}: ${err.message}`);
      else console.error(`${name}: failed to start`, err);
      process.exit(1);
    });
}

/**
 * Runs the receiver and/or the worker against servers named by the environment (production, Docker),
 * defaulting to the embedded servers' local addresses.
 */
export function runRole(name: string, roles: { receiver: boolean; worker: boolean }): void {
  runMain(name, async () => {
    const { env, config, logger } = bootstrap();
    const running = await startHookflow({
      env,
      config,
      logger,
      temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      mongoUrl: env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
      ...roles,
    });
    logger.info({ url: running.url, taskQueue: env.TEMPORAL_TASK_QUEUE, ...roles }, `${name} running`);
    return running;
  });
}

import type { Env } from './env';

export interface ServerAddresses {
  readonly temporalAddress: string;
  readonly mongoUrl: string;
}

/**
 * The servers named by the environment, defaulting to the embedded servers' local addresses on the
 * ports npm start uses (HOOKFLOW_TEMPORAL_PORT, HOOKFLOW_MONGO_PORT), so the CLI finds the servers
 * a developer moved.
 */
export function serverAddresses(env: Env): ServerAddresses {
  return {
    temporalAddress: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.HOOKFLOW_TEMPORAL_PORT ?? 7233}`,
    mongoUrl: env.MONGO_URL ?? `mongodb://127.0.0.1:${env.HOOKFLOW_MONGO_PORT ?? 27017}`,
  };
}

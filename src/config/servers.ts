import type { Env } from './env';

export interface ServerAddresses {
  readonly temporalAddress: string;
  readonly mongoUrl: string;
}

/** The servers named by the environment, defaulting to the embedded servers' local addresses. */
export function serverAddresses(env: Env): ServerAddresses {
  return {
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    mongoUrl: env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
  };
}

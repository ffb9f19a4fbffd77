import type { Command } from 'commander';
import { loadEnv, type Env } from '../config/env';
import { serverAddresses } from '../config/servers';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../config/temporal-connection';
import { createOpsContext, type OpsContext } from '../ops/context';
import { EventStore } from '../store/events';
import { createMongo } from '../store/mongo';
import { OperatorActionLog } from '../store/operator-actions';
import { checkTemporalAccess } from '../temporal/access-check';
import { createTemporalClient } from '../temporal/client';

export interface CliSession {
  readonly env: Env;
  readonly ops: OpsContext;
  readonly temporalConnection: TemporalConnectionOptions;
  close(): Promise<void>;
}

/**
 * Connections for one CLI run, from the same environment variables the service reads. Both connect
 * lazily, so a command that needs only MongoDB never waits for Temporal.
 */
export function openSession(timeoutMs: number): CliSession {
  const env = loadEnv();
  const { temporalAddress, mongoUrl } = serverAddresses(env);
  const temporalConnection = temporalConnectionOptions(env, temporalAddress);
  const mongo = createMongo(mongoUrl, env.MONGO_DB);
  const temporal = createTemporalClient(temporalConnection, env.TEMPORAL_NAMESPACE);
  return {
    env,
    temporalConnection,
    ops: createOpsContext(env, {
      store: new EventStore(mongo.db),
      actions: new OperatorActionLog(mongo.db),
      temporal,
      temporalAddress,
      timeoutMs,
      actor: 'cli',
    }),
    async close() {
      await Promise.allSettled([temporal.connection.close(), mongo.client.close()]);
    },
  };
}

/** Runs a command's work with a session opened from the global options, and always closes it. */
export async function withSession<T>(command: Command, work: (session: CliSession) => Promise<T>): Promise<T> {
  const { timeout } = command.optsWithGlobals<{ timeout: number }>();
  const session = openSession(timeout);
  try {
    // Secured: a refused certificate or key must fail as what it is, naming the setting, not as
    // "Temporal did not answer" (gRPC reports both as UNAVAILABLE). Down is left to the command.
    const { tls, apiKey } = session.temporalConnection;
    if (tls !== undefined || apiKey !== undefined) await checkTemporalAccess(session.temporalConnection, timeout);
    return await work(session);
  } finally {
    await session.close();
  }
}

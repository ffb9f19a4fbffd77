import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import type { TemporalConnectionOptions } from '../config/temporal-connection';

/**
 * A lazy connection: nothing is dialled until the first call, and gRPC reconnects by itself, so the
 * receiver can start (and acknowledge webhooks) while Temporal is still down.
 */
export function createTemporalClient(
  connection: TemporalConnectionOptions,
  namespace: string,
  interceptors: WorkflowClientInterceptor[] = [],
): Client {
  return new Client({ connection: Connection.lazy(connection), namespace, interceptors: { workflow: interceptors } });
}

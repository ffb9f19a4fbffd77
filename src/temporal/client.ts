import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';

/**
 * A lazy connection: nothing is dialled until the first call, and gRPC reconnects by itself, so the
 * receiver can start (and acknowledge webhooks) while Temporal is still down.
 */
export function createTemporalClient(address: string, namespace: string, interceptors: WorkflowClientInterceptor[] = []): Client {
  return new Client({ connection: Connection.lazy({ address }), namespace, interceptors: { workflow: interceptors } });
}

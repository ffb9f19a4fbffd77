import type { ConnectionLike } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { GRPC, grpcCode } from './grpc-status';

/**
 * How long a full Temporal server keeps a closed run (its history, and its workflow ID for
 * reuse-policy checks) in the namespace hookflow's set-up creates. hookflow's own dedup does not
 * depend on it: the unique index on the event ID in MongoDB refuses a redelivery forever; the
 * retention only bounds how long an operator can read a finished run's history and replay it
 * from Temporal.
 */
export const NAMESPACE_RETENTION_DAYS = 7;

/** What ensureNamespace did. */
export type NamespaceOutcome = 'created' | 'present';

/**
 * Creates the namespace on a full Temporal server (the dev server creates its own at start), with
 * the stated retention, unless it exists. Idempotent, also when two processes race. A namespace
 * that exists is left as it is: its retention is the operator's to set.
 */
export async function ensureNamespace(
  connection: Pick<ConnectionLike, 'workflowService'>,
  namespace: string,
  retentionDays = NAMESPACE_RETENTION_DAYS,
): Promise<NamespaceOutcome> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return 'present';
  } catch (err) {
    if (grpcCode(err) !== GRPC.NOT_FOUND) throw err;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      description: 'hookflow: webhook events processed durably',
      workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
    });
    return 'created';
  } catch (err) {
    if (grpcCode(err) === GRPC.ALREADY_EXISTS) return 'present';
    throw err;
  }
}

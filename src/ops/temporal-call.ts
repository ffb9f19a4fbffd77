import { isGrpcDeadlineError, WorkflowNotFoundError } from '@temporalio/client';
import { GRPC, grpcCode, grpcDetails as details } from '../temporal/grpc-status';
import type { OpsContext } from './context';
import { OpsError } from './errors';

/**
 * Runs one call to Temporal under the context's deadline, so an unreachable server fails fast, and
 * turns the service's refusals into OpsErrors. "Not found" stays a WorkflowNotFoundError: only the
 * caller knows whether that means "no such event" or "run already closed".
 */
export async function temporalCall<T>(ctx: OpsContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await ctx.temporal.withDeadline(Date.now() + ctx.timeoutMs, fn);
  } catch (err) {
    throw translate(ctx, err);
  }
}

function translate(ctx: OpsContext, err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError || err instanceof OpsError) return err;
  const code = grpcCode(err);
  if (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED || isGrpcDeadlineError(err)) {
    return new OpsError('unavailable', `Temporal at ${ctx.temporalAddress} did not answer within ${ctx.timeoutMs} ms`);
  }
  if (code === GRPC.NOT_FOUND) return new WorkflowNotFoundError(details(err), '', undefined);
  if (code === GRPC.INVALID_ARGUMENT) return new OpsError('bad_request', `Temporal refused the request: ${details(err)}`);
  if (code === GRPC.FAILED_PRECONDITION) return new OpsError('conflict', `Temporal refused the request: ${details(err)}`);
  return err;
}

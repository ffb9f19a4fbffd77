import { isGrpcDeadlineError, isGrpcServiceError, ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import type { OpsContext } from './context';
import { OpsError } from './errors';

/** gRPC status codes (numbers: @grpc/grpc-js is no dependency of ours). */
const INVALID_ARGUMENT = 3;
const DEADLINE_EXCEEDED = 4;
const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;
const UNAVAILABLE = 14;

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
  if (code === UNAVAILABLE || code === DEADLINE_EXCEEDED || isGrpcDeadlineError(err)) {
    return new OpsError('unavailable', `Temporal at ${ctx.temporalAddress} did not answer within ${ctx.timeoutMs} ms`);
  }
  if (code === NOT_FOUND) return new WorkflowNotFoundError(details(err), '', undefined);
  if (code === INVALID_ARGUMENT) return new OpsError('bad_request', `Temporal refused the request: ${details(err)}`);
  if (code === FAILED_PRECONDITION) return new OpsError('conflict', `Temporal refused the request: ${details(err)}`);
  return err;
}

function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  if (err instanceof ServiceError && isGrpcServiceError(err.cause)) return err.cause.code;
  return undefined;
}

/** The server's own explanation, without the "3 INVALID_ARGUMENT: " prefix gRPC adds. */
function details(err: unknown): string {
  const source = err instanceof ServiceError && err.cause ? err.cause : err;
  if (isGrpcServiceError(source)) return source.details || source.message;
  return err instanceof Error ? err.message : String(err);
}

import { isGrpcServiceError, ServiceError } from '@temporalio/client';

/** gRPC status codes (numbers: @grpc/grpc-js is no dependency of ours). */
export const GRPC = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** The status of a failed call, also when the SDK wrapped it in a ServiceError. */
export function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  if (err instanceof ServiceError && isGrpcServiceError(err.cause)) return err.cause.code;
  return undefined;
}

/** The server's own explanation, without the "3 INVALID_ARGUMENT: " prefix gRPC adds. */
export function grpcDetails(err: unknown): string {
  const source = err instanceof ServiceError && err.cause ? err.cause : err;
  if (isGrpcServiceError(source)) return source.details || source.message;
  return err instanceof Error ? err.message : String(err);
}

import { CommanderError } from 'commander';
import { ConfigError } from '../config/env';
import { OpsError, type OpsErrorCode } from '../ops/context';
import { isUnavailable } from '../store/mongo';

/** Exit codes, documented in docs/operations.md: scripts branch on them. */
export const EXIT = {
  ok: 0,
  /** The operation failed, or some of a bulk operation did; an invalid config. */
  failed: 1,
  /** Bad arguments or options. */
  usage: 2,
  /** No such event, or handler. */
  notFound: 3,
  /** MongoDB or Temporal did not answer in time. */
  unavailable: 4,
} as const;

const EXIT_FOR_CODE: Readonly<Record<OpsErrorCode, number>> = {
  bad_request: EXIT.usage,
  not_found: EXIT.notFound,
  conflict: EXIT.failed,
  unavailable: EXIT.unavailable,
};

export interface Failure {
  readonly exitCode: number;
  /** Undefined when commander has already printed its own message. */
  readonly message: string | undefined;
}

/** The one place that turns a CLI failure into a message and an exit code. */
export function failureOf(err: unknown): Failure {
  // Commander has printed the help, the version or what was wrong with the arguments.
  if (err instanceof CommanderError) return { exitCode: err.exitCode === 0 ? EXIT.ok : EXIT.usage, message: undefined };
  if (err instanceof OpsError) return { exitCode: EXIT_FOR_CODE[err.reason], message: err.message };
  if (err instanceof ConfigError) return { exitCode: EXIT.failed, message: err.message };
  if (isUnavailable(err)) {
    return { exitCode: EXIT.unavailable, message: 'MongoDB did not answer in time (check MONGO_URL and that the server is up)' };
  }
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { exitCode: EXIT.failed, message: `unexpected error: ${text}` };
}

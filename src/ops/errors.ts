/**
 * Why an operation on an event could not be done. The admin API maps each code to one HTTP status
 * (src/receiver/answers.ts), the CLI to one exit code (src/cli/exit-codes.ts). Messages are safe to
 * show: they name IDs and states, never secrets or bodies.
 */
export type OpsErrorCode = 'bad_request' | 'not_found' | 'conflict' | 'unavailable';

export class OpsError extends Error {
  constructor(
    readonly code: OpsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OpsError';
  }
}

/** User-supplied text echoed in a message, bounded so a huge argument cannot flood an answer. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text);
}

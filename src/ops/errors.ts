import { HttpRefusal, RETRY_AFTER } from '../http-refusal';

const STATUS = { bad_request: 400, not_found: 404, conflict: 409, unavailable: 503 } as const;

export type OpsErrorCode = keyof typeof STATUS;

/**
 * Why an operation on an event could not be done: the admin API answers its status, the CLI maps
 * its code to an exit code (src/cli/exit-codes.ts). Messages name IDs and states, never secrets or bodies.
 */
export class OpsError extends HttpRefusal<OpsErrorCode> {
  constructor(code: OpsErrorCode, message: string) {
    super(STATUS[code], code, message, code === 'unavailable' ? RETRY_AFTER : {});
  }
}

/** User-supplied text echoed in a message, bounded so a huge argument cannot flood an answer. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text);
}

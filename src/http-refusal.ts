/**
 * An error that carries its own HTTP answer, as Koa's (http-errors) do: its status, its headers, a
 * message that may be shown (`expose`) and a reason code. src/receiver/answers.ts answers it as
 * `{ error: reason, message }`. Messages are short and safe: never a secret or a body.
 */
export class HttpRefusal<Reason extends string = string> extends Error {
  readonly expose = true;

  constructor(
    readonly status: number,
    readonly reason: Reason,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Seconds a client is asked to wait after a 503: the store coming back, or bodies in progress draining. */
export const RETRY_AFTER = { 'Retry-After': '5' } as const;

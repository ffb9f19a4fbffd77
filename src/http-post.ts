import { request } from 'undici';

/**
 * hookflow's one way to POST to a URL it was configured with (a handler's destination, an alert
 * notifier): the answer's status and Retry-After, or the network error's code. Only the status
 * matters, so the answer's body is read off and dropped, which hands the connection back to the
 * keep-alive pool. Redirects are never followed (a POST is not replayed elsewhere).
 *
 * undici's `request` rather than `fetch`: fetch spent 450-710 µs of CPU per POST here against
 * 72-172 µs (bench/README.md, Findings), and an HTTP handler POSTs once per event.
 */
export type PostOutcome =
  | { readonly status: number; readonly retryAfter: string | undefined }
  | { readonly networkError: string };

/** Throws only when `signal` aborts (a timeout or a cancellation: the caller knows which). */
export async function postOnce(url: string, headers: Headers, body: Buffer | string, signal: AbortSignal): Promise<PostOutcome> {
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, { method: 'POST', headers, body, signal });
  } catch (err) {
    if (signal.aborted) throw err;
    // The URL stays out of the reason: it may carry a token (a Slack webhook URL is one).
    return { networkError: networkReason(err) };
  }
  await res.body.dump().catch(() => {});
  const retryAfter = res.headers['retry-after'];
  return { status: res.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
}

/** The error's code (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, ...), from it or from its `cause`; else its message. */
export function networkReason(err: unknown): string {
  for (const candidate of [err, err instanceof Error ? err.cause : undefined]) {
    if (candidate instanceof Error && 'code' in candidate && typeof candidate.code === 'string') return candidate.code;
  }
  return err instanceof Error ? err.message : String(err);
}

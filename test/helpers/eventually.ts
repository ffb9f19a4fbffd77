/**
 * Retries `check` until it stops throwing or `timeoutMs` passes, then rethrows its last error.
 * For state that settles asynchronously (visibility, a relay); never a tuned sleep.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

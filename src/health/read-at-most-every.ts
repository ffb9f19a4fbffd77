/**
 * `read`, called at most once per `intervalMs` and never twice at a time, however often its result
 * is asked for: every caller within the interval, or while a read is in flight, gets the last read's
 * promise. For a value that is costly to get and asked for at others' pace (a probe, a scrape): the
 * cost is bounded by time, not by how many ask.
 */
export function readAtMostEvery<T>(intervalMs: number, read: () => Promise<T>): () => Promise<T> {
  let last: { readonly at: number; readonly result: Promise<T>; settled: boolean } | undefined;
  return () => {
    const now = Date.now();
    if (!last || (last.settled && now - last.at >= intervalMs)) {
      const current = { at: now, result: read(), settled: false };
      const settle = (): void => {
        current.settled = true;
      };
      current.result.then(settle, settle);
      last = current;
    }
    return last.result;
  };
}

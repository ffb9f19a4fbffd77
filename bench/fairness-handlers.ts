/*
 * Handlers of the fairness measurement (fairness.ts): a destination that takes one request at a time, slowly (a burst
 * of one source piles up behind it), and one that answers at once.
 */

let busy: Promise<void> = Promise.resolve();

/** Each call waits for the one before it, then takes 200 ms: five events a second, whatever the worker's slots. */
export function oneAtATime(): Promise<void> {
  const turn = busy.then(() => new Promise<void>((resolve) => setTimeout(resolve, 200)));
  busy = turn;
  return turn;
}

export function quick(): void {}

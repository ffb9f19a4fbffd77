/**
 * Durations in the config file are written with a unit, `500ms`, `30s`, `5m`, `2h` or `7d`, so a
 * reader never has to guess whether `30` means seconds or milliseconds.
 */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

export const DURATION_HINT = 'a duration such as 500ms, 30s, 5m, 2h or 7d';

/** Milliseconds, or undefined when `text` is not a positive duration of whole milliseconds. */
export function parseDuration(text: string): number | undefined {
  const found = DURATION.exec(text.trim());
  if (!found) return undefined;
  const [, amount, unit] = found;
  if (amount === undefined || unit === undefined) return undefined;
  const ms = Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

/** The reverse, for messages: the largest unit that divides the value (`90000` gives `90s`). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

import { CONTROL_CHARACTER } from '../control-characters';

/** Plain-text output helpers: aligned columns for people, JSON for scripts. */

/** JSON.stringify escapes C0 controls in strings but leaves DEL and C1 controls raw: those are escaped too. */
export function printJson(value: unknown): void {
  const json = JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  process.stdout.write(`${json}\n`);
}

/** Every human-readable line goes through here, escaped: see `printable`. */
export function printLines(lines: readonly string[]): void {
  process.stdout.write(lines.map((line) => `${printable(line)}\n`).join(''));
}

/** Every control character, line feeds and tabs included. */
const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g');

/**
 * Stored text (types, IDs, headers, bodies) was written by senders: an ESC in it could drive the
 * operator's terminal, a CR overwrite a line. Each control character is printed as `\xNN` instead.
 * A multi-line text is split into lines before it is printed.
 */
export function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Left-aligned columns separated by two spaces; the last column is not padded. Cells are escaped
 * here already so that widths are measured on what is printed.
 */
export function table(headers: readonly string[], cells: readonly (readonly string[])[]): string[] {
  const rows = cells.map((row) => row.map(printable));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** 2024-05-01 12:00:00Z: sortable, and short enough for a table. */
export function time(value: Date | null | undefined): string {
  return value ? value.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '-';
}

/**
 * Reads a dotted path (`data.object.id`) from a parsed JSON body. Only own properties are read, and
 * the segments that reach prototypes are refused, so a path from config can never walk into
 * `Object.prototype` whatever the body contains.
 */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}

/** True when every segment is non-empty and none is `__proto__`, `constructor` or `prototype`. */
export function isSafePath(path: string): boolean {
  return path.split('.').every((segment) => segment !== '' && !FORBIDDEN_SEGMENTS.has(segment));
}

/** The value at `path`, or undefined when any segment is missing, inherited or refused. */
export function readPath(root: unknown, path: string): unknown {
  if (!isSafePath(path)) return undefined;
  let current = root;
  for (const segment of path.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/** The string at `path`, or undefined when it is absent or not a string. */
export function readString(root: unknown, path: string): string | undefined {
  const value = readPath(root, path);
  return typeof value === 'string' ? value : undefined;
}

import type { RouteMatch } from '../src/config/routes';
import { readPath } from '../src/providers/json-path';

/** What a route looks at: the event type and the parsed body. */
export interface RoutableEvent {
  readonly eventType: string | null;
  readonly body: unknown;
}

/**
 * True when every condition the route gives holds; a route with no conditions matches everything.
 * An event without a type never matches a `type` or `typePrefix` condition.
 */
export function routeMatches(match: RouteMatch, event: RoutableEvent): boolean {
  if (match.type !== undefined && (event.eventType === null || !typeMatches(match.type, event.eventType))) return false;
  if (match.typePrefix !== undefined && !event.eventType?.startsWith(match.typePrefix)) return false;
  if (match.field !== undefined && readPath(event.body, match.field.path) !== match.field.equals) return false;
  return true;
}

/**
 * Exact, or a glob where `*` stands for any run of characters (dots included): `invoice.*`, `*.failed`.
 * No regular expression: one `.*` per star backtracks, and `*a*a*a*b` against a long run of `a`s
 * took longer than any timeout. Here the first segment must be a prefix and the last a suffix, and
 * each middle segment is taken at its leftmost place after the previous one: an earlier place never
 * leaves less room for the rest, so one left-to-right pass decides.
 */
export function typeMatches(pattern: string, eventType: string): boolean {
  const segments = pattern.split('*');
  if (segments.length === 1) return pattern === eventType;
  const first = segments[0] ?? '';
  const last = segments.at(-1) ?? '';
  if (first.length + last.length > eventType.length) return false;
  if (!eventType.startsWith(first) || !eventType.endsWith(last)) return false;
  const end = eventType.length - last.length;
  let from = first.length;
  for (const segment of segments.slice(1, -1)) {
    const at = eventType.indexOf(segment, from);
    if (at === -1 || at + segment.length > end) return false;
    from = at + segment.length;
  }
  return true;
}

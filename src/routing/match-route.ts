import type { RouteMatch } from '../config/routes';
import { readPath } from '../providers/json-path';

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

/** Exact, or a glob where `*` stands for any run of characters (dots included): `invoice.*`, `*.failed`. */
export function typeMatches(pattern: string, eventType: string): boolean {
  if (!pattern.includes('*')) return pattern === eventType;
  const source = pattern.split('*').map(escapeRegExp).join('.*');
  return new RegExp(`^${source}$`, 's').test(eventType);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * An event's key, `<source>:<eventId>`: its `_id` in MongoDB and its workflow ID in Temporal.
 * Source names hold no colon (src/config/sources.ts), so the first colon splits a key.
 */
export function eventKey(source: string, eventId: string): string {
  return `${source}:${eventId}`;
}

export function parseEventKey(key: string): { readonly source: string; readonly eventId: string } {
  const colon = key.indexOf(':');
  return { source: key.slice(0, colon), eventId: key.slice(colon + 1) };
}

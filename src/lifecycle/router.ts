import Router from '@koa/router';

/**
 * The only way the HTTP surface makes a router. Case-sensitive and strict: a route matches a path
 * exactly as written, so `/ADMIN/events`, `/admin/events/` and `/admin//events` match nothing, and
 * what a router guards is exactly what it routes. @koa/router's defaults (case-insensitive,
 * trailing slash optional) are how a case-sensitive check once let `/ADMIN/events` past the token.
 */
export function createRouter(prefix?: string): Router {
  return new Router({ sensitive: true, strict: true, ...(prefix === undefined ? {} : { prefix }) });
}

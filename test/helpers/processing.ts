import type { Destination } from './destination';
import type { HookflowFixtureOptions } from './hookflow';

/** The config of an `http` handler that forwards to `destination`, signed with `secret`. */
export function forwardingTo(destination: Destination, secret: string, extra: object = {}): object {
  return { kind: 'http', url: destination.url, secret, ...extra };
}

/**
 * The `useHookflow` options of a hookflow whose Standard Webhooks source `shop` routes its events by
 * `routes` to `handlers`, retrying at short, fixed intervals (so a longer wait was asked for); the
 * tests start once its store is ready.
 */
export function shopHookflow(sourceSecret: string, routes: readonly object[], handlers: Record<string, object>): HookflowFixtureOptions {
  return {
    config: {
      sources: { shop: { provider: 'standard-webhooks', secrets: [sourceSecret], routes } },
      handlers,
      defaults: { retry: { initialInterval: '100ms', backoffCoefficient: 1, maximumInterval: '100ms', maximumAttempts: 5 }, timeout: '10s' },
    },
    // The receiver answers 503 until the store's indexes exist.
    storeReady: true,
  };
}

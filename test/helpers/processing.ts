import assert from 'node:assert/strict';
import type { Destination } from './destination';
import { startTestHookflow, type TestHookflow } from './hookflow';

/** The config of an `http` handler that forwards to `destination`, signed with `secret`. */
export function forwardingTo(destination: Destination, secret: string, extra: object = {}): object {
  return { kind: 'http', url: destination.url, secret, ...extra };
}

/**
 * A hookflow whose Standard Webhooks source `shop` routes its events by `routes` to `handlers`,
 * retrying at short, fixed intervals (so a longer wait was asked for); resolves once its store is ready.
 */
export async function startShopHookflow(sourceSecret: string, routes: readonly object[], handlers: Record<string, object>): Promise<TestHookflow> {
  const hookflow = await startTestHookflow({
    config: {
      sources: { shop: { provider: 'standard-webhooks', secrets: [sourceSecret], routes } },
      handlers,
      defaults: { retry: { initialInterval: '100ms', backoffCoefficient: 1, maximumInterval: '100ms', maximumAttempts: 5 }, timeout: '10s' },
    },
  });
  // The receiver answers 503 until the store's indexes exist.
  assert.equal(await hookflow.storeReady(), true);
  return hookflow;
}

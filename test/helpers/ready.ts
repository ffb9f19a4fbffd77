import assert from 'node:assert/strict';
import { eventually } from './eventually';

/**
 * Waits until the receiver at `url` takes deliveries for `source`: it answers 503 until its store
 * is set up. Probes with an unsigned POST, which a ready receiver refuses with 401 and never stores.
 */
export async function untilAccepting(url: string, source: string, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => {
      const res = await fetch(`${url}/webhooks/${source}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await res.arrayBuffer();
      assert.equal(res.status, 401, `${url} not accepting yet (${res.status})`);
    },
    timeoutMs,
    100,
  );
}

import assert from 'node:assert/strict';
import { readPath } from '../../../src/providers/json-path';
import { eventually } from '../../helpers/eventually';
import { startTestHookflow, type TestHookflow } from '../../helpers/hookflow';
import { post } from '../../helpers/http';
import { untilAccepting } from '../../helpers/ready';
import { signStandard, standardSecret } from '../../helpers/signed-event';
import { TcpProxy } from '../../helpers/tcp-proxy';
import { testServices } from '../../setup/root-hooks';

const SECRET = standardSecret('lifecycle-test-secret');
const CONFIG = { sources: { shop: { provider: 'standard-webhooks', secrets: [SECRET] } } };

async function readyz(base: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, json: await res.json() };
}

describe('lifecycle: starting before the servers are up, and stopping at any time', function () {
  // Reconnection waits out growing backoffs (worker, relay): generous on a loaded machine.
  this.timeout(180_000);
  let proxy: TcpProxy | undefined;
  let hookflow: TestHookflow | undefined;

  afterEach(async function () {
    await hookflow?.stop();
    await proxy?.close();
    hookflow = undefined;
    proxy = undefined;
  });

  it('starts while Temporal is down, acknowledges webhooks, and its worker connects once Temporal is up', async function () {
    const temporal = await TcpProxy.create(testServices().temporalAddress);
    proxy = temporal;
    const running = await startTestHookflow({ config: CONFIG, temporalAddress: temporal.address });
    hookflow = running;

    const delivery = signStandard(SECRET, JSON.stringify({ type: 'order.created' }));
    const answer = await post(`${running.url}/webhooks/shop`, delivery.body, delivery.headers);
    assert.equal(answer.status, 202);
    assert.equal(answer.body.status, 'accepted', 'stored and acknowledged; its starter starts it once Temporal answers');
    const down = await readyz(running.url);
    assert.equal(down.status, 503, 'a worker that cannot poll is not ready');
    assert.equal(readPath(down.json, 'checks.worker.state'), 'connecting');
    assert.equal(readPath(down.json, 'checks.temporal.ok'), false);

    await temporal.open();
    const id = `shop:${delivery.id}`;
    await eventually(async () => {
      // The starter started it, and the worker ran it to its end.
      const status = (await running.store.get(id))?.status;
      assert.ok(status === 'processed' || status === 'ignored', `status ${status}`);
    }, 120_000);
    await eventually(async () => assert.equal((await readyz(running.url)).status, 200));
  });

  it('stops promptly while its worker is still trying to connect', async function () {
    const temporal = await TcpProxy.create(testServices().temporalAddress);
    proxy = temporal;
    const running = await startTestHookflow({ config: CONFIG, temporalAddress: temporal.address });
    await eventually(async () => assert.equal(readPath((await readyz(running.url)).json, 'checks.worker.state'), 'connecting'));
    const started = Date.now();
    await running.stop();
    // Far below STOP_TIMEOUT_MS: the retry wait is cut short, nothing waits for Temporal.
    assert.ok(Date.now() - started < 10_000, `stop took ${Date.now() - started} ms`);
  });

  it('starts while MongoDB is down, answers webhooks 503 until its store is set up, then accepts them', async function () {
    const mongo = await TcpProxy.create(testServices().mongoUrl);
    proxy = mongo;
    const running = await startTestHookflow({ config: CONFIG, worker: false, mongoUrl: `mongodb://${mongo.address}` });
    hookflow = running;

    const delivery = signStandard(SECRET, JSON.stringify({ type: 'order.created' }));
    const refused = await post(`${running.url}/webhooks/shop`, delivery.body, delivery.headers);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '5');
    const down = await readyz(running.url);
    assert.equal(down.status, 503);
    assert.equal(readPath(down.json, 'checks.mongodb.ok'), false);

    await mongo.open();
    await untilAccepting(running.url, 'shop', 60_000);
    const accepted = await post(`${running.url}/webhooks/shop`, delivery.body, delivery.headers);
    assert.equal(accepted.status, 202, 'the provider retry is accepted');
    await eventually(async () => assert.equal((await readyz(running.url)).status, 200));
  });
});

import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually';
import { useHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { rawSocketStatus } from '../helpers/raw-http';
import { untilAccepting } from '../helpers/ready';
import { signStandard, standardSecret } from '../helpers/signed-event';

const SECRET = standardSecret('source-names-test-secret');
const CONFIG = { sources: { demo: { provider: 'standard-webhooks', secrets: [SECRET] } } };

/**
 * Path segments that try to reach the `demo` source, another path, an object's prototype or a
 * MongoDB operator, sent as raw bytes so no client normalises them first.
 */
const HOSTILE_SEGMENTS = [
  '..%2Fdemo',
  '%2e%2e%2fdemo',
  '..',
  '%2e%2e',
  '.',
  '%252e%252e%252fdemo',
  'x%2F..%2Fdemo',
  'demo%2F',
  'demo%00',
  'demo%20',
  '%20demo',
  'DEMO',
  'demo..',
  '$where',
  '%24where',
  encodeURIComponent('{"$gt":""}'),
  encodeURIComponent('{"$ne":null}'),
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'demo;drop',
  'demo%3Fx%3D1',
  '%',
  '%E0%A4%A',
];

describe('source names cannot escape into paths or queries', function () {
  this.timeout(60_000);
  const hookflow = useHookflow({ config: CONFIG, worker: false, untilAccepting: 'demo' });

  it('answers a correctly signed delivery on each hostile path with 404 and stores nothing', async function () {
    const { host } = new URL(hookflow().url);
    for (const segment of HOSTILE_SEGMENTS) {
      const d = signStandard(SECRET, JSON.stringify({ type: 'escape', data: { segment } }));
      const headers = Object.entries({ ...d.headers, host, 'content-length': String(Buffer.byteLength(d.body)), connection: 'close' })
        .map(([name, value]) => `${name}: ${value}`)
        .join('\r\n');
      const status = await rawSocketStatus(hookflow().url, `POST /webhooks/${segment} HTTP/1.1\r\n${headers}\r\n\r\n${d.body}`);
      assert.ok(status === 404 || status === 400, `/webhooks/${segment} answered ${status}`);
    }
    assert.equal(await hookflow().store.collection.countDocuments(), 0);
  });

  it('records an operator-shaped source name as the literal string it is', async function () {
    const rejections = hookflow().store.collection.db.collection('rejections');
    const name = '{"$gt":"","x":"source-names"}';
    const d = signStandard(SECRET, JSON.stringify({ type: 'escape' }));
    const answer = await post(`${hookflow().url}/webhooks/${encodeURIComponent(name)}`, d.body, d.headers);
    assert.equal(answer.status, 404);
    assert.equal(answer.body.error, 'unknown_source');
    // Recorded after the answer: poll. Exactly one record has this literal name.
    await eventually(async () => assert.equal(await rejections.countDocuments({ source: name, reason: 'unknown_source' }), 1));
  });

  it('still takes the real source (the hostile paths changed nothing)', async function () {
    const d = signStandard(SECRET, JSON.stringify({ type: 'escape.control' }));
    const answer = await post(`${hookflow().url}/webhooks/demo`, d.body, d.headers);
    assert.equal(answer.status, 202);
    assert.equal(await hookflow().store.collection.countDocuments(), 1);
  });
});

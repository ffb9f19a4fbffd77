import assert from 'node:assert/strict';
import { answer, useDestinations } from '../helpers/destination';
import { eventually } from '../helpers/eventually';
import { useHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { signStandard, standardSecret } from '../helpers/signed-event';

const SECRET = standardSecret('hostile-processing-source');
const FORWARD_SECRET = standardSecret('hostile-processing-forward');
const MANY_STARS = '*a*a*a*a*a*a*a*a*b';

/**
 * What the receiver accepts, the worker must process: a body nested 100,000 levels deep, with
 * `__proto__` keys or huge numbers goes through routing (a field match reads the parsed body) and
 * the HTTP forward byte for byte, without a crash. A route glob with many stars decides a long
 * event type at once.
 */
describe('hostile bodies through the worker', function () {
  this.timeout(120_000);
  const destinations = useDestinations(FORWARD_SECRET, { sink: answer(200) });
  const hookflow = useHookflow(() => ({
    config: {
      sources: {
        demo: {
          provider: 'standard-webhooks',
          secrets: [SECRET],
          routes: [
            { match: { type: 'hostile', field: { path: 'data.kind', equals: 'x' } }, handlers: ['sink'] },
            // As a regular expression (one .* per star) this backtracked for hours on a long run of a's.
            { match: { type: MANY_STARS }, handlers: ['sink'] },
          ],
        },
      },
      handlers: { sink: { kind: 'http', url: destinations().sink.url, secret: FORWARD_SECRET } },
    },
    untilAccepting: 'demo',
  }));

  const bodies: Record<string, string> = {
    'arrays nested 100,000 deep': `{"type":"hostile","data":{"kind":"x","deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    'objects nested 100,000 deep': `{"type":"hostile","data":{"kind":"x","deep":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`,
    '__proto__ and constructor keys': '{"type":"hostile","__proto__":{"polluted":true},"data":{"kind":"x","constructor":{"prototype":{"polluted":true}}}}',
    'huge numbers': '{"type":"hostile","data":{"kind":"x","n":1e400,"m":-1e400,"big":123456789012345678901234567890}}',
  };

  for (const [name, body] of Object.entries(bodies)) {
    it(`routes and forwards ${name} exactly as received`, async function () {
      const d = signStandard(SECRET, body);
      const answered = await post(`${hookflow().url}/webhooks/demo`, d.body, d.headers);
      assert.equal(answered.status, 202, JSON.stringify(answered.body));
      await eventually(async () => assert.equal((await hookflow().store.get(`demo:${d.id}`))?.status, 'processed'), 60_000, 250);
      const delivered = destinations().sink.requests.filter((r) => r.body.toString('utf8') === body);
      assert.equal(delivered.length, 1, 'forwarded once, byte for byte');
      assert.equal(delivered[0]?.verified, true);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }

  /** Sends an event of this type and waits for the status its routing ends in. */
  async function routedStatus(type: string): Promise<string | undefined> {
    const d = signStandard(SECRET, JSON.stringify({ type }));
    const answered = await post(`${hookflow().url}/webhooks/demo`, d.body, d.headers);
    assert.equal(answered.status, 202, JSON.stringify(answered.body));
    const id = `demo:${d.id}`;
    await eventually(async () => assert.match((await hookflow().store.get(id))?.status ?? '', /^(processed|ignored)$/), 60_000, 250);
    return (await hookflow().store.get(id))?.status;
  }

  it(`ignores a 200-character type of a's that the route glob ${MANY_STARS} does not match`, async function () {
    assert.equal(await routedStatus('a'.repeat(200)), 'ignored');
  });

  it(`routes a 200-character type that the route glob ${MANY_STARS} matches`, async function () {
    const type = `${'a'.repeat(199)}b`;
    assert.equal(await routedStatus(type), 'processed');
    assert.equal(destinations().sink.requests.filter((r) => r.body.toString('utf8') === JSON.stringify({ type })).length, 1);
  });
});

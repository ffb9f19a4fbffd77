import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { parseConfig } from '../../../src/config/sources';
import { standardSecret } from '../../helpers/signed-event';

const SW = standardSecret('ordering-unit-test');
const FORWARD = standardSecret('ordering-unit-forward');

function parse(ordering: unknown, extraSource: object = {}) {
  return parseConfig(
    {
      sources: { shop: { provider: 'standard-webhooks', secrets: [SW], routes: [{ handlers: ['billing'], ordering }], ...extraSource } },
      handlers: { billing: { kind: 'http', url: 'http://billing.internal/hooks', secret: FORWARD } },
    },
    { env: {}, defaultMaxBodyBytes: 1000, baseDir: tmpdir(), label: 'test.json' },
  );
}

function refuses(ordering: unknown, line: string, extraSource: object = {}): void {
  assert.throws(() => parse(ordering, extraSource), (err: Error) => {
    assert.equal(err.name, 'ConfigError');
    assert.ok(err.message.includes(line), `expected "${line}" in:\n${err.message}`);
    return true;
  });
}

describe('parseConfig(json): a route\'s ordering', function () {
  it('defaults onFailure to block and the reorder window to 2 s', function () {
    const [route] = parse({ key: { field: 'data.object.customer' } }).sources.get('shop')?.routes ?? [];
    assert.deepEqual(route?.ordering, { key: { field: 'data.object.customer' }, onFailure: 'block', reorderWindowMs: 2000 });
  });

  it('takes a header key lower-cased, onFailure skip and a reorder window', function () {
    const [route] = parse({ key: { header: 'X-Entity-Id' }, onFailure: 'skip', reorderWindow: '500ms' }).sources.get('shop')?.routes ?? [];
    assert.deepEqual(route?.ordering, { key: { header: 'x-entity-id' }, onFailure: 'skip', reorderWindowMs: 500 });
  });

  it('leaves a route without ordering unordered', function () {
    const config = parseConfig(
      { sources: { shop: { provider: 'standard-webhooks', secrets: [SW], routes: [{ handlers: ['billing'] }] } }, handlers: { billing: { kind: 'http', url: 'http://b.internal/', secret: FORWARD } } },
      { env: {}, defaultMaxBodyBytes: 1000, baseDir: tmpdir(), label: 'test.json' },
    );
    assert.equal(config.sources.get('shop')?.routes[0]?.ordering, undefined);
  });

  it('refuses a key that is neither a field nor a header, naming the setting', function () {
    refuses({ key: { path: 'data.id' } }, 'sources.shop.routes[0].ordering.key');
    refuses({ key: { field: 'data.id', header: 'x-id' } }, 'give { "field": "dotted.path" } or { "header": "name" }');
  });

  it('refuses a field path that could reach a prototype', function () {
    refuses({ key: { field: 'data.__proto__.id' } }, 'a dotted path such as data.object.customer');
  });

  it('refuses an unknown onFailure, saying what each choice does', function () {
    refuses({ key: { field: 'data.id' }, onFailure: 'retry' }, 'block (later events of the key wait for the failed one) or skip (they go on)');
  });

  it('refuses a reorder window without a unit', function () {
    refuses({ key: { field: 'data.id' }, reorderWindow: '2' }, 'sources.shop.routes[0].ordering.reorderWindow');
  });

  it('refuses a header key the source stores redacted', function () {
    refuses({ key: { header: 'x-partner-token' } }, 'sources.shop.routes[0].ordering.key.header: x-partner-token is stored redacted', { redactHeaders: ['x-partner-token'] });
    refuses({ key: { header: 'Authorization' } }, 'authorization is stored redacted');
  });
});

import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../../src/config/paths';
import { loadConfigFile } from '../../../src/config/sources';
import { standardSecret } from '../../helpers/signed-event';
import { parse } from './parse-config';

const SW = standardSecret('routes-unit-test');
const FORWARD = standardSecret('routes-unit-forward');


/** A config with one source whose routes and handlers a test fills in. */
function withRoutes(routes: unknown[], handlers: Record<string, unknown> = { billing: { kind: 'http', url: 'http://billing.internal/hooks', secret: FORWARD } }, extra: object = {}) {
  return { sources: { shop: { provider: 'standard-webhooks', secrets: [SW], routes } }, handlers, ...extra };
}

/** Asserts that parsing fails with a ConfigError holding `line`. */
function refuses(json: unknown, line: string, env: NodeJS.ProcessEnv = {}): void {
  assert.throws(() => parse(json, env), (err: Error) => {
    assert.equal(err.name, 'ConfigError');
    assert.ok(err.message.includes(line), `expected "${line}" in:\n${err.message}`);
    return true;
  });
}

describe('parseConfig(json): routes and handlers', function () {
  it('accepts the worked example in examples/hookflow.routes.json', function () {
    const env = { STRIPE_WEBHOOK_SECRET: SW, BILLING_FORWARD_SECRET: FORWARD, BILLING_TOKEN: 'Bearer x', CRM_FORWARD_SECRET: FORWARD };
    const config = loadConfigFile(join(repoRoot(), 'examples', 'hookflow.routes.json'), { env, defaultMaxBodyBytes: 1000 });
    const routes = config.sources.get('stripe')?.routes ?? [];
    assert.deepEqual(routes.map((r) => r.handlers), [['billing'], ['log-invoice'], ['billing', 'crm']]);
    assert.deepEqual(routes[2]?.retry, { initialIntervalMs: 5000, backoffCoefficient: 2, maximumIntervalMs: 600_000, maximumAttempts: 10, expiryMs: 86_400_000 });
    assert.equal(routes[2]?.waitForOperatorMs, 14 * 86_400_000);
    const billing = config.handlers.get('billing');
    assert.equal(billing?.kind === 'http' && billing.headers.authorization, 'Bearer x', 'header names lower-cased, values resolved');
    const log = config.handlers.get('log-invoice');
    assert.equal(log?.kind === 'module' && log.modulePath, join(repoRoot(), 'dist', 'examples', 'handlers', 'log-invoice.js'));
  });

  it('gives a source without routes no routes, and routes the built-in delivery settings', function () {
    const config = parse(withRoutes([{ handlers: ['billing'] }]));
    assert.deepEqual(config.sources.get('shop')?.routes, [
      {
        match: {},
        handlers: ['billing'],
        retry: { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 300_000, maximumAttempts: 10, expiryMs: undefined },
        timeoutMs: 30_000,
        heartbeatMs: undefined,
        waitForOperatorMs: 7 * 86_400_000,
      },
    ]);
    const bare = parse({ sources: { shop: { provider: 'standard-webhooks', secrets: [SW] } } });
    assert.deepEqual(bare.sources.get('shop')?.routes, []);
    assert.equal(bare.handlers.size, 0);
  });

  it('merges route settings over defaults field by field', function () {
    const config = parse(
      withRoutes([{ handlers: ['billing'], timeout: '5s', retry: { maximumAttempts: 3 } }], undefined, {
        defaults: { retry: { initialInterval: '200ms', maximumAttempts: 8 }, timeout: '1m', waitForOperator: '2d' },
      }),
    );
    const [route] = config.sources.get('shop')?.routes ?? [];
    assert.equal(route?.timeoutMs, 5000);
    assert.equal(route?.retry.initialIntervalMs, 200);
    assert.equal(route?.retry.maximumAttempts, 3);
    assert.equal(route?.waitForOperatorMs, 2 * 86_400_000);
  });

  it('lets an expiry without maximumAttempts bound the retries alone', function () {
    const [route] = parse(withRoutes([{ handlers: ['billing'], retry: { expiry: '1h' } }])).sources.get('shop')?.routes ?? [];
    assert.equal(route?.retry.maximumAttempts, 0);
    assert.equal(route?.retry.expiryMs, 3_600_000);
  });

  it('names a route that refers to an unknown handler', function () {
    refuses(withRoutes([{ handlers: ['billing'] }, { handlers: ['nope'] }]), 'sources.shop.routes[1].handlers[0]: no handler named "nope" in handlers (defined: billing)');
  });

  it('names durations without a unit', function () {
    refuses(withRoutes([{ handlers: ['billing'], timeout: '30' }]), 'sources.shop.routes[0].timeout: a duration such as 500ms, 30s, 5m, 2h or 7d');
  });

  it('refuses type and typePrefix together, and a field path that could reach a prototype', function () {
    refuses(withRoutes([{ match: { type: 'a', typePrefix: 'b' }, handlers: ['billing'] }]), 'sources.shop.routes[0].match: give type or typePrefix, not both');
    refuses(withRoutes([{ match: { field: { path: 'data.__proto__', equals: 1 } }, handlers: ['billing'] }]), 'sources.shop.routes[0].match.field.path: a dotted path');
  });

  it('refuses settings Temporal would reject, naming the route', function () {
    refuses(withRoutes([{ handlers: ['billing'], retry: { initialInterval: '5s', maximumInterval: '1s' } }]), 'sources.shop.routes[0]: retry.maximumInterval (1s) is shorter than retry.initialInterval (5s)');
    refuses(withRoutes([{ handlers: ['billing'], timeout: '10s', heartbeat: '10s' }]), 'sources.shop.routes[0]: heartbeat (10s) must be shorter than timeout (10s)');
  });

  it('reports a problem inherited from defaults once, at defaults', function () {
    assert.throws(
      () => parse(withRoutes([{ handlers: ['billing'] }, { handlers: ['billing'] }], undefined, { defaults: { retry: { maximumInterval: '10ms' } } })),
      (err: Error) => err.message === 'Invalid config test.json:\n  - defaults: retry.maximumInterval (10ms) is shorter than retry.initialInterval (1s)',
    );
  });

  it('refuses a forward secret that is not whsec_ and base64, without showing it', function () {
    assert.throws(
      () => parse(withRoutes([], { billing: { kind: 'http', url: 'http://b.internal/', secret: 'hunter2-plain' } })),
      (err: Error) => err.message.includes('handlers.billing.secret: must be whsec_ followed by base64') && !err.message.includes('hunter2'),
    );
  });

  it('reads forward secrets and header values from the environment, naming a missing variable', function () {
    const handlers = { billing: { kind: 'http', url: 'http://b.internal/', secret: { env: 'FWD' }, headers: { Authorization: { env: 'TOKEN' } } } };
    refuses(withRoutes([], handlers), 'handlers.billing.secret: environment variable FWD is not set');
    refuses(withRoutes([], handlers), 'handlers.billing.headers.Authorization: environment variable TOKEN is not set');
    const billing = parse(withRoutes([], handlers), { FWD: FORWARD, TOKEN: 'Bearer s3cret' }).handlers.get('billing');
    assert.deepEqual(billing?.kind === 'http' && [billing.secret, billing.headers], [FORWARD, { authorization: 'Bearer s3cret' }]);
  });

  it('refuses headers that hookflow sets itself, and names that are not header names', function () {
    const http = (extra: object) => ({ billing: { kind: 'http', url: 'http://b.internal/', secret: FORWARD, ...extra } });
    refuses(withRoutes([], http({ headers: { 'Webhook-Signature': 'x' } })), 'handlers.billing.headers.Webhook-Signature: set by hookflow itself; cannot be configured');
    refuses(withRoutes([], http({ headers: { 'bad header': 'x' } })), 'handlers.billing.headers.bad header: not an HTTP header name');
    refuses(withRoutes([], http({ forwardHeaders: ['idempotency-key'] })), 'handlers.billing.forwardHeaders[0]: set by hookflow itself; cannot be configured');
  });

  it('refuses a non-HTTP URL, an unknown kind, an unplain handler name and a module that is not there', function () {
    refuses(withRoutes([], { billing: { kind: 'http', url: 'ftp://b.internal/', secret: FORWARD } }), 'handlers.billing.url: an http:// or https:// URL');
    refuses(withRoutes([], { billing: { kind: 'queue' } }), 'handlers.billing.kind: a handler needs "kind": "http" or "module"');
    refuses(withRoutes([], { Billing: { kind: 'module', module: './x.js' } }), 'handlers.Billing: name: lower-case letters, digits, _ and - (max 63)');
    refuses(withRoutes([], { audit: { kind: 'module', module: './no-such-handler.js' } }), `handlers.audit.module: cannot find ${join(tmpdir(), 'no-such-handler.js')}`);
  });

  it('refuses a route that names the same handler twice', function () {
    refuses(withRoutes([{ handlers: ['billing', 'billing'] }]), 'sources.shop.routes[0].handlers: name each handler once');
  });
});

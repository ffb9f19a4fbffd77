import assert from 'node:assert/strict';
import type { HandlerConfig } from '../../../src/config/handlers';
import { BUILTIN_DELIVERY, type RouteConfig } from '../../../src/config/routes';
import { planRoutes } from '../../../activities/route-plan';

const handlers = new Map<string, HandlerConfig>([
  ['billing', { kind: 'http', name: 'billing', limits: {}, breaker: null, url: 'http://billing.internal/hooks', secret: 'whsec_c2VjcmV0', headers: {}, forwardHeaders: [] }],
  ['audit', { kind: 'module', name: 'audit', limits: {}, breaker: null, modulePath: '/srv/handlers/audit.js', exportName: 'default' }],
]);

function route(match: RouteConfig['match'], names: string[], overrides: Partial<RouteConfig> = {}): RouteConfig {
  return { ...BUILTIN_DELIVERY, match, handlers: names, ...overrides };
}

describe('planRoutes(routes, handlers, event)', function () {
  const event = { source: 'stripe', eventType: 'invoice.paid', body: {}, headers: {} };

  it('collects the handlers of every matching route, in file order', function () {
    const plan = planRoutes([route({ type: 'invoice.*' }, ['billing']), route({ type: 'charge.*' }, ['nope']), route({}, ['audit'])], handlers, event);
    assert.deepEqual(plan.handlers.map((h) => [h.name, h.kind]), [
      ['billing', 'http'],
      ['audit', 'module'],
    ]);
  });
  it('runs a handler named by two matching routes once, with the first route settings', function () {
    const plan = planRoutes([route({ type: 'invoice.paid' }, ['billing'], { timeoutMs: 5000 }), route({}, ['billing', 'audit'], { timeoutMs: 9000 })], handlers, event);
    assert.deepEqual(plan.handlers.map((h) => [h.name, h.timeoutMs]), [
      ['billing', 5000],
      ['audit', 9000],
    ]);
  });
  it('gives an empty plan when no route matches', function () {
    assert.deepEqual(planRoutes([route({ type: 'charge.*' }, ['billing'])], handlers, event).handlers, []);
  });
  it('waits for an operator as long as the most patient matching route', function () {
    const plan = planRoutes([route({}, ['billing'], { waitForOperatorMs: 1000 }), route({}, ['audit'], { waitForOperatorMs: 5000 }), route({ type: 'x' }, ['audit'], { waitForOperatorMs: 9000 })], handlers, event);
    assert.equal(plan.waitForOperatorMs, 5000);
  });
  it('carries the retry policy and leaves unset heartbeat and expiry out (the plan goes into history as JSON)', function () {
    const [planned] = planRoutes([route({}, ['billing'])], handlers, event).handlers;
    assert.deepEqual(planned, {
      name: 'billing',
      kind: 'http',
      timeoutMs: 30_000,
      retry: { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 300_000, maximumAttempts: 10 },
    });
    const retry = { ...BUILTIN_DELIVERY.retry, maximumAttempts: 0, expiryMs: 60_000 };
    const [withExpiry] = planRoutes([route({}, ['billing'], { heartbeatMs: 2000, retry })], handlers, event).handlers;
    assert.equal(withExpiry?.heartbeatMs, 2000);
    assert.equal(withExpiry?.retry.expiryMs, 60_000);
  });
  it('never puts a secret, URL or module path into the plan', function () {
    const plan = JSON.stringify(planRoutes([route({}, ['billing', 'audit'])], handlers, event));
    for (const leak of ['whsec_', 'billing.internal', '/srv/handlers']) assert.equal(plan.includes(leak), false, leak);
  });
});

describe('planRoutes: ordering', function () {
  const ordered = (ordering: RouteConfig['ordering']) => route({}, ['billing'], { ordering });
  const customerKey = { key: { field: 'data.customer' }, onFailure: 'block', reorderWindowMs: 2000 } as const;

  it('orders an event by the first matching ordered route that finds its key', function () {
    const event = { source: 'shop', eventType: 'x', body: { data: { customer: 'cus_1' } }, headers: {} };
    const plan = planRoutes([ordered({ ...customerKey, key: { field: 'data.missing' } }), ordered(customerKey)], handlers, event);
    assert.equal(plan.ordering?.key, 'cus_1');
    assert.equal(plan.ordering?.onFailure, 'block');
    assert.match(plan.ordering?.sequencerId ?? '', /^order:shop:[0-9a-f]{32}$/);
  });

  it('gives one key one sequencer, and each source its own', function () {
    const event = (source: string, customer: string) => ({ source, eventType: 'x', body: { data: { customer } }, headers: {} });
    const id = (source: string, customer: string) => planRoutes([ordered(customerKey)], handlers, event(source, customer)).ordering?.sequencerId;
    assert.equal(id('shop', 'cus_1'), id('shop', 'cus_1'));
    assert.notEqual(id('shop', 'cus_1'), id('shop', 'cus_2'));
    assert.notEqual(id('shop', 'cus_1'), id('other', 'cus_1'));
  });

  it('reads a header key and a numeric field key', function () {
    const byHeader = planRoutes([ordered({ ...customerKey, key: { header: 'x-entity' } })], handlers, { source: 's', eventType: 'x', body: {}, headers: { 'x-entity': 'e-9' } });
    assert.equal(byHeader.ordering?.key, 'e-9');
    const byNumber = planRoutes([ordered(customerKey)], handlers, { source: 's', eventType: 'x', body: { data: { customer: 42 } }, headers: {} });
    assert.equal(byNumber.ordering?.key, '42');
  });

  it('processes an event without a usable key unordered', function () {
    for (const customer of [undefined, '', { id: 1 }, 'k'.repeat(257)]) {
      const plan = planRoutes([ordered(customerKey)], handlers, { source: 's', eventType: 'x', body: { data: { customer } }, headers: {} });
      assert.equal(plan.ordering, undefined, JSON.stringify(customer));
      assert.equal(plan.handlers.length, 1);
    }
  });
});

import assert from 'node:assert/strict';
import { routeMatches, typeMatches } from '../../../src/routing/match-route';

describe('typeMatches(pattern, eventType)', function () {
  it('compares a pattern without * exactly', function () {
    assert.equal(typeMatches('invoice.paid', 'invoice.paid'), true);
    assert.equal(typeMatches('invoice.paid', 'invoice.paid.late'), false);
    assert.equal(typeMatches('invoice.paid', 'invoiceXpaid'), false, 'a dot is a dot, not a regex wildcard');
  });
  it('lets * stand for any run of characters, dots included', function () {
    assert.equal(typeMatches('invoice.*', 'invoice.paid'), true);
    assert.equal(typeMatches('invoice.*', 'invoice.payment.failed'), true);
    assert.equal(typeMatches('invoice.*', 'invoice'), false);
    assert.equal(typeMatches('*.failed', 'charge.failed'), true);
    assert.equal(typeMatches('*', 'anything'), true);
  });
  it('treats regex characters in the pattern literally', function () {
    assert.equal(typeMatches('a+b.*', 'a+b.c'), true);
    assert.equal(typeMatches('a+b.*', 'aab.c'), false);
    assert.equal(typeMatches('(x)|*', 'y'), false);
  });
});

describe('routeMatches(match, event)', function () {
  const paid = { eventType: 'invoice.paid', body: { data: { object: { livemode: true, currency: 'eur', amount: 10 } } } };

  it('matches every event when the route gives no condition', function () {
    assert.equal(routeMatches({}, paid), true);
    assert.equal(routeMatches({}, { eventType: null, body: null }), true);
  });
  it('matches by type prefix', function () {
    assert.equal(routeMatches({ typePrefix: 'invoice.' }, paid), true);
    assert.equal(routeMatches({ typePrefix: 'charge.' }, paid), false);
  });
  it('never matches a type condition for an event without a type', function () {
    assert.equal(routeMatches({ type: '*' }, { eventType: null, body: {} }), false);
    assert.equal(routeMatches({ typePrefix: '' }, { eventType: null, body: {} }), false);
  });
  it('compares a payload field by dotted path with ===', function () {
    assert.equal(routeMatches({ field: { path: 'data.object.livemode', equals: true } }, paid), true);
    assert.equal(routeMatches({ field: { path: 'data.object.currency', equals: 'eur' } }, paid), true);
    assert.equal(routeMatches({ field: { path: 'data.object.amount', equals: '10' } }, paid), false, 'no type coercion');
    assert.equal(routeMatches({ field: { path: 'data.object.missing', equals: null } }, paid), false, 'absent is not null');
  });
  it('needs every given condition to hold', function () {
    const match = { type: 'invoice.*', field: { path: 'data.object.currency', equals: 'usd' } };
    assert.equal(routeMatches(match, paid), false);
    assert.equal(routeMatches({ ...match, field: { path: 'data.object.currency', equals: 'eur' } }, paid), true);
  });
  it('never reads inherited properties through a field path', function () {
    assert.equal(routeMatches({ field: { path: 'data.toString', equals: null } }, { eventType: 'x', body: { data: {} } }), false);
  });
});

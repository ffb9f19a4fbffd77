import assert from 'node:assert/strict';
import fc from 'fast-check';
import { routeMatches, typeMatches } from '../../../activities/match-route';

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
  it('lets * match nothing, also between two stars', function () {
    assert.equal(typeMatches('invoice*', 'invoice'), true);
    assert.equal(typeMatches('a**b', 'ab'), true);
    assert.equal(typeMatches('*', ''), true);
    assert.equal(typeMatches('a*b*c', 'abc'), true);
  });
  it('never lets the prefix and the suffix share characters', function () {
    assert.equal(typeMatches('ab*ba', 'aba'), false);
    assert.equal(typeMatches('ab*ba', 'abba'), true);
    assert.equal(typeMatches('a*a', 'a'), false);
  });
  it('finds middle segments in order, each after the previous one', function () {
    assert.equal(typeMatches('*x*y*', 'yx'), false);
    assert.equal(typeMatches('*x*y*', 'axbyc'), true);
    assert.equal(typeMatches('a*bc*c', 'abcc'), true);
    assert.equal(typeMatches('a*bc*c', 'abc'), false, 'the middle segment may not reach into the suffix');
    assert.equal(typeMatches('*.paid.*', 'invoice.paid.late'), true);
  });
  it('decides a pattern with many stars against a long type at once (no backtracking)', function () {
    const pattern = '*a*a*a*a*a*a*a*a*b';
    assert.equal(typeMatches(pattern, 'a'.repeat(200)), false);
    assert.equal(typeMatches(pattern, `${'a'.repeat(200)}b`), true);
  });
  it('agrees with a reference matcher on random patterns and types (fast-check)', function () {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '.'), maxLength: 12 });
    const pattern = fc.string({ unit: fc.constantFrom('a', 'b', '.', '*'), maxLength: 8 });
    fc.assert(fc.property(pattern, text, (p, t) => typeMatches(p, t) === referenceMatch(p, t)), { numRuns: 2000 });
  });
});

/** Glob matching by dynamic programming over (pattern position, type position): slow, obviously right. */
function referenceMatch(pattern: string, text: string): boolean {
  // matches[j]: pattern[0, i) matches text[0, j)
  let matches = Array.from({ length: text.length + 1 }, (_, j) => j === 0);
  for (const p of pattern) {
    const next = Array.from({ length: text.length + 1 }, () => false);
    for (let j = 0; j <= text.length; j++) {
      next[j] = p === '*' ? (matches[j] ?? false) || (j > 0 && (next[j - 1] ?? false)) : j > 0 && (matches[j - 1] ?? false) && text[j - 1] === p;
    }
    matches = next;
  }
  return matches[text.length] ?? false;
}

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

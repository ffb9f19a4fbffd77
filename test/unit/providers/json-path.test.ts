import assert from 'node:assert/strict';
import { isSafePath, readPath, readString } from '../../../src/providers/json-path';

describe('json-path', () => {
  const body: unknown = JSON.parse('{"data":{"object":{"id":"obj_1","n":7}},"list":[{"id":"first"}]}');

  it('readPath() follows a dotted path through objects', () => {
    assert.equal(readPath(body, 'data.object.id'), 'obj_1');
  });

  it('readPath() follows numeric segments into arrays', () => {
    assert.equal(readPath(body, 'list.0.id'), 'first');
  });

  it('readPath() returns undefined for a missing segment', () => {
    assert.equal(readPath(body, 'data.missing.id'), undefined);
  });

  it('readPath() does not read inherited properties', () => {
    assert.equal(readPath(body, 'data.toString'), undefined);
  });

  it('readPath() refuses __proto__, constructor and prototype even when the body has them as own keys', () => {
    const hostile: unknown = JSON.parse('{"__proto__":{"id":"x"},"constructor":{"prototype":{"id":"y"}}}');
    assert.equal(readPath(hostile, '__proto__.id'), undefined);
    assert.equal(readPath(hostile, 'constructor.prototype.id'), undefined);
  });

  it('readPath() returns undefined when the root is not an object', () => {
    assert.equal(readPath('text', 'length'), undefined);
  });

  it('readString() returns only strings', () => {
    assert.equal(readString(body, 'data.object.n'), undefined);
    assert.equal(readString(body, 'data.object.id'), 'obj_1');
  });

  it('isSafePath() refuses empty segments and prototype segments', () => {
    assert.equal(isSafePath('a.b'), true);
    assert.equal(isSafePath('a..b'), false);
    assert.equal(isSafePath('a.prototype'), false);
  });
});

import assert from 'node:assert/strict';
import { printable, table } from '../../../src/cli/format';

describe('printable(text)', function () {
  it('escapes every C0 control, DEL and C1 control as \\xNN', function () {
    assert.equal(printable('a\u001b[2Jb\rc\u0000d\te\nf\u007fg\u009bh'), 'a\\x1b[2Jb\\x0dc\\x00d\\x09e\\x0af\\x7fg\\x9bh');
  });
  it('leaves printable text, other scripts and emoji alone', function () {
    assert.equal(printable('commande payée ✅ {"a":1}'), 'commande payée ✅ {"a":1}');
  });
});

describe('table(headers, rows)', function () {
  it('measures the columns on the escaped cells, so rows stay aligned', function () {
    assert.deepEqual(table(['A', 'B'], [['\u001b', 'x'], ['abcd', 'y']]), ['A     B', '\\x1b  x', 'abcd  y']);
  });
});

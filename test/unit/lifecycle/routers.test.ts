import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..', '..', '..', '..', 'src');
const FACTORY = join('lifecycle', 'router.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('routers of the HTTP surface', function () {
  it('are all made by src/lifecycle/router.ts (case-sensitive, strict): no other file constructs one', function () {
    const files = sourceFiles(SRC);
    assert.ok(files.some((file) => relative(SRC, file) === FACTORY), `found the factory under ${SRC}`);
    const offenders = files
      .filter((file) => relative(SRC, file) !== FACTORY)
      .filter((file) => /^import (?!type )[^;]*from '@koa\/router'/m.test(readFileSync(file, 'utf8')) || /new Router\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    assert.deepEqual(offenders, []);
  });
});

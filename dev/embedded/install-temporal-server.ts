import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALL_LOCK_TIMEOUT_MS, installLogFile, seconds, type InstallContext } from './install';
import { withLock } from './lock';
import { findOnPath, isExecutable, run } from './process';

/** The full Temporal server the cluster profile runs (its go.mod has no `replace` directive). */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';
/** What `go install` builds from each package, and the name it gets under `<tools>/bin`. */
const PROGRAMS = [
  { pkg: 'cmd/server', built: 'server', name: 'temporal-server' },
  { pkg: 'cmd/tools/sql', built: 'sql', name: 'temporal-sql-tool' },
] as const;

export interface TemporalServerBinaries {
  readonly server: string;
  /** Creates the databases and applies the schema (embedded in the binary). */
  readonly sqlTool: string;
}

/**
 * The full Temporal server and its SQL schema tool, built once with Go from the module proxy into
 * `<tools>/bin` (a few minutes on two cores; at low CPU priority, so the machine stays usable).
 */
export async function ensureTemporalServer(ctx: InstallContext): Promise<TemporalServerBinaries> {
  if (isInstalled(ctx)) return binaries(ctx);
  return withLock(join(ctx.tools, '.install-temporal-server.lock'), { what: 'the Temporal server build', timeoutMs: INSTALL_LOCK_TIMEOUT_MS, log: ctx.log }, async () => {
    if (isInstalled(ctx)) return binaries(ctx);
    const go = findOnPath('go', ctx.env);
    if (go === undefined) throw new Error('the cluster profile builds the Temporal server with Go: install Go 1.24 or newer, or set TEMPORAL_ADDRESS');
    const started = Date.now();
    ctx.log(`building the Temporal server ${TEMPORAL_SERVER_VERSION} and temporal-sql-tool with Go into ${join(ctx.tools, 'bin')} (once; about 3 minutes)...`);
    const staging = join(ctx.tools, `.build-temporal-server-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
      const logFile = installLogFile(ctx, 'temporal-server');
      const nice = findOnPath('nice', ctx.env);
      for (const program of PROGRAMS) {
        const install = ['install', `${MODULE}/${program.pkg}@${TEMPORAL_SERVER_VERSION}`];
        // A build must not starve the servers and tests sharing the machine.
        const [command, args] = nice === undefined ? [go, install] : [nice, ['-n', '10', go, ...install]];
        await run(command, args, { env: { ...ctx.env, GOBIN: staging, CGO_ENABLED: '0' }, logFile });
      }
      await checkVersion(join(staging, 'server'));
      mkdirSync(join(ctx.tools, 'bin'), { recursive: true });
      for (const program of PROGRAMS) renameSync(join(staging, program.built), join(ctx.tools, 'bin', program.name));
      writeFileSync(stampPath(ctx), TEMPORAL_SERVER_VERSION);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    ctx.log(`built the Temporal server in ${seconds(started)}`);
    return binaries(ctx);
  });
}

function binaries(ctx: InstallContext): TemporalServerBinaries {
  return { server: join(ctx.tools, 'bin', 'temporal-server'), sqlTool: join(ctx.tools, 'bin', 'temporal-sql-tool') };
}

/** Written after both binaries are checked and in place. */
function stampPath(ctx: InstallContext): string {
  return join(ctx.tools, 'bin', 'temporal-server.version');
}

function isInstalled(ctx: InstallContext): boolean {
  const { server, sqlTool } = binaries(ctx);
  const stamp = stampPath(ctx);
  return isExecutable(server) && isExecutable(sqlTool) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === TEMPORAL_SERVER_VERSION;
}

async function checkVersion(binary: string): Promise<void> {
  const output = await run(binary, ['--version']);
  const expected = TEMPORAL_SERVER_VERSION.slice(1);
  if (!output.includes(expected)) throw new Error(`${binary} --version printed "${output.trim()}", expected ${expected}`);
}

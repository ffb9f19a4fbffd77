import { join, resolve } from 'node:path';
import { repoRoot } from '../../src/config/paths';

/** Where the embedded servers keep their binaries, data, logs and PID files. */
export interface Paths {
  /** The repository root: the nearest folder above this module that holds package.json. */
  readonly root: string;
  /** Installed binaries (`HOOKFLOW_TOOLS_DIR`, default `<root>/.tools`). */
  readonly tools: string;
  /** Server state (`HOOKFLOW_DATA_DIR`, default `<root>/.data`). */
  readonly data: string;
  readonly logs: string;
  readonly pids: string;
}

export interface PathOptions {
  dataDir?: string;
  toolsDir?: string;
}

/** Options win over `HOOKFLOW_DATA_DIR` / `HOOKFLOW_TOOLS_DIR`, which win over the defaults. */
export function resolvePaths(opts: PathOptions = {}, env: NodeJS.ProcessEnv = process.env): Paths {
  const root = repoRoot();
  const data = resolve(root, opts.dataDir ?? nonEmpty(env.HOOKFLOW_DATA_DIR) ?? '.data');
  const tools = resolve(root, opts.toolsDir ?? nonEmpty(env.HOOKFLOW_TOOLS_DIR) ?? '.tools');
  return { root, tools, data, logs: join(data, 'logs'), pids: join(data, 'pids') };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

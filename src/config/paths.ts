import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Env } from './env';

/** HOOKFLOW_CONFIG, or the development config shipped in the repo. */
export function configPath(env: Env): string {
  return env.HOOKFLOW_CONFIG ? resolve(env.HOOKFLOW_CONFIG) : resolve(repoRoot(), 'config/hookflow.dev.json');
}

/**
 * The repository (or installed package) root: the nearest folder above this module that holds
 * package.json, so it is the same from `src/config` and from `dist/src/config`, whatever the
 * working directory.
 */
export function repoRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}: cannot find the hookflow repository root`);
    dir = parent;
  }
}

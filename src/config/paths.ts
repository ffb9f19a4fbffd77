import { resolve } from 'node:path';
import { repoRoot } from '../embedded/paths';
import type { Env } from './env';

/** HOOKFLOW_CONFIG, or the development config shipped in the repo. */
export function configPath(env: Env): string {
  return env.HOOKFLOW_CONFIG ? resolve(env.HOOKFLOW_CONFIG) : resolve(repoRoot(), 'config/hookflow.dev.json');
}

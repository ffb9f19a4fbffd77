import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { ConfigError } from '../../../src/config/env';
import { parseConfig, type HookflowConfig } from '../../../src/config/sources';

/** The config file's content parsed as the service parses it, with `env` as its environment. */
export function parse(json: unknown, env: NodeJS.ProcessEnv = {}): HookflowConfig {
  return parseConfig(json, { env, defaultMaxBodyBytes: 1000, baseDir: tmpdir(), label: 'test.json' });
}

/** The ConfigError's message, which must name the place of every problem; fails when the config is accepted. */
export function problems(json: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    parse(json, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('config was accepted');
}

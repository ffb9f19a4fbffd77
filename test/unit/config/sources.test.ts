import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/config/env';
import { loadConfigFile, parseConfig } from '../../../src/config/sources';
import { standardSecret } from '../../helpers/signed-event';

const SW_SECRET = standardSecret('unit-test-key');

function parse(json: unknown, env: NodeJS.ProcessEnv = {}) {
  return parseConfig(json, { env, defaultMaxBodyBytes: 1000, baseDir: tmpdir(), label: 'test.json' });
}

/** The ConfigError's message, which must name the place of every problem. */
function problems(json: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    parse(json, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('config was accepted');
}

describe('parseConfig(json)', function () {
  it('resolves a source with defaults from its provider and the environment', function () {
    const config = parse({ sources: { demo: { provider: 'standard-webhooks', secrets: [{ env: 'S' }] } } }, { S: SW_SECRET });
    const demo = config.sources.get('demo');
    assert.ok(demo);
    assert.equal(demo.provider.name, 'standard-webhooks');
    assert.deepEqual(demo.secrets, [SW_SECRET]);
    assert.equal(demo.toleranceSeconds, 300);
    assert.equal(demo.maxBodyBytes, 1000);
  });

  it('reads a secret from a file relative to the config, without its trailing newline', function () {
    const dir = mkdtempSync(join(tmpdir(), 'hookflow-config-'));
    writeFileSync(join(dir, 'secret'), `${SW_SECRET}\n`);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ sources: { a: { provider: 'standard-webhooks', secrets: [{ file: 'secret' }] } } }));
    const config = loadConfigFile(join(dir, 'config.json'), { env: {}, defaultMaxBodyBytes: 10 });
    assert.deepEqual(config.sources.get('a')?.secrets, [SW_SECRET]);
  });

  it('names an unset environment variable without revealing any secret', function () {
    const message = problems(
      { sources: { stripe: { provider: 'stripe', secrets: ['whsec_literal_value', { env: 'MISSING_VAR' }] } } },
      {},
    );
    assert.match(message, /sources\.stripe\.secrets\[1\]: environment variable MISSING_VAR is not set/);
    assert.doesNotMatch(message, /whsec_literal_value/);
  });

  it('names an unreadable secret file', function () {
    const message = problems({ sources: { a: { provider: 'github', secrets: [{ file: '/nonexistent/secret' }] } } });
    assert.match(message, /sources\.a\.secrets\[0\]: cannot read secret file \/nonexistent\/secret: ENOENT/);
  });

  it('refuses an unknown provider and lists the known ones', function () {
    assert.match(problems({ sources: { a: { provider: 'nope', secrets: ['x'] } } }), /sources\.a\.provider: unknown provider; one of: .*stripe/);
  });

  it('refuses a secret the provider cannot use', function () {
    assert.match(
      problems({ sources: { a: { provider: 'standard-webhooks', secrets: ['whsec_not base64!'] } } }),
      /sources\.a\.secrets\[0\]: must be whsec_ followed by base64/,
    );
  });

  it('refuses provider options that do not fit the provider', function () {
    assert.match(
      problems({ sources: { a: { provider: 'github', secrets: ['s'], options: { allowSha1: 'yes' } } } }),
      /sources\.a\.options\.allowSha1/,
    );
  });

  it('refuses unknown keys, so a typo is not silently ignored', function () {
    assert.match(problems({ sources: { a: { provider: 'github', secrets: ['s'], tolerance: 5 } } }), /sources\.a: .*tolerance/);
  });

  it('refuses source names that are not plain URL segments', function () {
    assert.match(problems({ sources: { '../x': { provider: 'github', secrets: ['s'] } } }), /sources/);
    assert.match(problems({ sources: { Stripe: { provider: 'github', secrets: ['s'] } } }), /sources/);
  });

  it('refuses an event ID path that reaches prototypes', function () {
    assert.match(
      problems({ sources: { a: { provider: 'github', secrets: ['s'], eventId: { field: '__proto__.x' } } } }),
      /sources\.a\.eventId/,
    );
  });

  it('refuses a file without sources and an empty secrets list', function () {
    assert.match(problems({ sources: {} }), /define at least one source/);
    assert.match(problems({ sources: { a: { provider: 'github', secrets: [] } } }), /sources\.a\.secrets: at least one secret is required/);
  });

  it('reports every problem at once, not only the first', function () {
    const message = problems(
      { sources: { a: { provider: 'github', secrets: [{ env: 'A' }] }, b: { provider: 'stripe', secrets: [{ env: 'B' }] } } },
      {},
    );
    assert.match(message, /sources\.a\.secrets\[0\]/);
    assert.match(message, /sources\.b\.secrets\[0\]/);
  });
});

describe('loadConfigFile(path)', function () {
  it('says which file is missing', function () {
    assert.throws(() => loadConfigFile('/nonexistent/hookflow.json', { defaultMaxBodyBytes: 1 }), /Cannot read config file \/nonexistent\/hookflow.json: ENOENT/);
  });

  it('says when the file is not JSON', function () {
    const dir = mkdtempSync(join(tmpdir(), 'hookflow-config-'));
    writeFileSync(join(dir, 'bad.json'), '{ sources: ');
    assert.throws(() => loadConfigFile(join(dir, 'bad.json'), { defaultMaxBodyBytes: 1 }), /is not valid JSON/);
  });
});

describe('config/hookflow.dev.json', function () {
  it('is a valid config whose demo source routes every event to a handler', function () {
    const config = loadConfigFile(join(__dirname, '../../../../config/hookflow.dev.json'), { env: {}, defaultMaxBodyBytes: 1 });
    assert.deepEqual([...config.sources.keys()], ['demo']);
    assert.deepEqual(config.sources.get('demo')?.routes.map((r) => r.handlers), [['log-event']]);
  });
});

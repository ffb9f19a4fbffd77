import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/env';
import { loadConfigFile } from '../../src/config/sources';
import { repoRoot } from '../../src/config/paths';
import { readPath } from '../../src/providers/json-path';
import { withTestHookflow } from '../helpers/hookflow';
import { parseYaml } from '../helpers/yaml';
import { standardSecret } from '../helpers/signed-event';

const ROOT = repoRoot();
const COMPOSE_CONFIG = join(ROOT, 'config/hookflow.compose.json');

/** Runs `file` in the repository with only `env` besides PATH and HOME (no npm_* of the test run); 127 when it cannot be run. */
function run(file: string, args: readonly string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(file, [...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 127) : 0, stdout, stderr });
    });
  });
}

const docker = (args: readonly string[], env: Record<string, string>): ReturnType<typeof run> => run('docker', args, env);

interface PublishedPort {
  /** The container's port. */
  readonly target: number;
  /** The host address it is published on; undefined for every interface. */
  readonly hostIp: unknown;
}

/** A service's published ports, from `docker compose config --format json` (long syntax). */
function portsOf(config: unknown, service: string): PublishedPort[] {
  const ports = readPath(config, `services.${service}.ports`);
  if (!Array.isArray(ports)) return [];
  return ports.map((port: unknown) => ({ target: Number(readPath(port, 'target')), hostIp: readPath(port, 'host_ip') }));
}

describe('config/hookflow.compose.json (mounted by docker-compose.yml)', function () {
  const secret = standardSecret();

  it('loads as the image loads it, NODE_ENV=production, with its secret from DEMO_WEBHOOK_SECRET', function () {
    const config = loadConfigFile(COMPOSE_CONFIG, { env: { NODE_ENV: 'production', DEMO_WEBHOOK_SECRET: secret }, defaultMaxBodyBytes: 1 });
    assert.deepEqual(config.sources.get('demo')?.secrets, [secret]);
  });

  it("the README's host-side sample command posts an event a receiver with that secret accepts", async function () {
    const command = /^HOOKFLOW_CONFIG=config\/hookflow\.compose\.json npm run send-sample -- demo (http:\/\/localhost:3000)$/m.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    assert.ok(command, 'the README shows the command');
    await withTestHookflow({ config: { sources: { demo: { provider: 'standard-webhooks', secrets: [secret] } } }, worker: false }, async (receiver) => {
      const sent = await run('sh', ['-c', command[0].replace(command[1] ?? '', receiver.url)], { DEMO_WEBHOOK_SECRET: secret });
      assert.equal(sent.code, 0, sent.stdout + sent.stderr);
      assert.match(sent.stdout, /-> 202/);
    });
  });

  it('refuses to load without DEMO_WEBHOOK_SECRET, naming it', function () {
    assert.throws(
      () => loadConfigFile(COMPOSE_CONFIG, { env: { NODE_ENV: 'production' }, defaultMaxBodyBytes: 1 }),
      (err: unknown) => err instanceof ConfigError && /sources\.demo\.secrets\[0\]: environment variable DEMO_WEBHOOK_SECRET is not set/.test(err.message),
    );
  });
});

describe('docker-compose.yml, read as YAML (where `docker compose` is missing too)', function () {
  const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));
  const ports = (service: string): string[] => {
    const list = readPath(compose, `services.${service}.ports`);
    return Array.isArray(list) ? list.map(String) : [];
  };

  it("publishes Temporal's ports, the monitoring ports and the worker's on 127.0.0.1 only; the webhook port everywhere", function () {
    const metricsPort = String(readPath(compose, 'services.receiver.environment.METRICS_PORT'));
    assert.deepEqual(ports('temporal'), ['127.0.0.1:7233:7233', '127.0.0.1:8233:8233']);
    assert.deepEqual(ports('receiver'), ['3000:3000', `127.0.0.1:${metricsPort}:${metricsPort}`]);
    assert.deepEqual(ports('worker'), [`127.0.0.1:9465:${metricsPort}`]);
  });

  it('takes every secret from the environment: DEMO_WEBHOOK_SECRET required, ADMIN_TOKEN empty by default', function () {
    for (const service of ['receiver', 'worker']) {
      assert.match(String(readPath(compose, `services.${service}.environment.DEMO_WEBHOOK_SECRET`)), /^\$\{DEMO_WEBHOOK_SECRET:\?.+\}$/);
    }
    assert.equal(readPath(compose, 'services.receiver.environment.ADMIN_TOKEN'), '${ADMIN_TOKEN:-}');
    assert.doesNotMatch(JSON.stringify(compose), /whsec_[A-Za-z0-9+/=]{8,}/);
  });
});

describe('docker-compose.yml, as `docker compose config` reads it', function () {
  this.timeout(60_000);
  const secret = standardSecret();
  let config: unknown;

  before(async function () {
    const version = await docker(['compose', 'version'], {});
    if (version.code !== 0) {
      // Skipped, not passed: say why in the test output.
      console.log(`    (skipped: no \`docker compose\` here: ${(version.stderr || version.stdout).trim().split('\n')[0]})`);
      this.skip();
    }
    const run = await docker(['compose', '-f', 'docker-compose.yml', 'config', '--format', 'json'], { DEMO_WEBHOOK_SECRET: secret });
    assert.equal(run.code, 0, run.stderr);
    config = JSON.parse(run.stdout) as unknown;
  });

  it("publishes Temporal's gRPC and UI ports on 127.0.0.1 only", function () {
    const ports = portsOf(config, 'temporal');
    assert.deepEqual(ports.map((p) => p.target).sort(), [7233, 8233]);
    for (const port of ports) assert.equal(port.hostIp, '127.0.0.1', `temporal ${port.target}`);
  });

  it('publishes the webhook port, and the monitoring port (METRICS_PORT) on 127.0.0.1 only', function () {
    const metricsPort = Number(readPath(config, 'services.receiver.environment.METRICS_PORT'));
    const ports = portsOf(config, 'receiver');
    assert.deepEqual(ports.map((p) => p.target).sort(), [3000, metricsPort].sort());
    assert.equal(ports.find((p) => p.target === metricsPort)?.hostIp, '127.0.0.1');
    for (const port of portsOf(config, 'worker')) assert.equal(port.hostIp, '127.0.0.1', `worker ${port.target}`);
  });

  it('leaves /admin disabled: ADMIN_TOKEN is empty unless the user sets it', function () {
    assert.equal(readPath(config, 'services.receiver.environment.ADMIN_TOKEN'), '');
  });

  it('holds no literal secret: the only secret is the one given in the environment', function () {
    const text = JSON.stringify(config);
    assert.deepEqual([...text.matchAll(/whsec_[A-Za-z0-9+/=]+/g)].map((m) => m[0]).filter((s) => s !== secret), []);
    assert.equal(readPath(config, 'services.receiver.environment.DEMO_WEBHOOK_SECRET'), secret);
  });

  it('refuses to start without DEMO_WEBHOOK_SECRET, saying how to make one', async function () {
    const run = await docker(['compose', '-f', 'docker-compose.yml', 'config', '--format', 'json'], {});
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /DEMO_WEBHOOK_SECRET/);
  });
});

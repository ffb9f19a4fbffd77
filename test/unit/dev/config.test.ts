import assert from 'node:assert/strict';
import { resolveServicesConfig } from '../../../dev/embedded/config';
import { ferretdbArgs, mongodArgs } from '../../../dev/embedded/mongo-server';
import { resolvePaths } from '../../../dev/embedded/paths';
import { temporalDevServerArgs } from '../../../dev/embedded/temporal-server';
import { searchAttributeFlags } from '../../../src/temporal/search-attributes';

describe('resolveServicesConfig(opts, env)', () => {
  it('defaults to embedded servers on 127.0.0.1:7233 (UI 8233) and 27017', () => {
    assert.deepEqual(resolveServicesConfig({}, {}), {
      temporal: { kind: 'embedded', ip: '127.0.0.1', port: 7233, uiPort: 8233, namespace: 'default' },
      mongo: { kind: 'embedded', host: '127.0.0.1', port: 27017 },
    });
  });

  it('uses external servers when TEMPORAL_ADDRESS and MONGO_URL are set', () => {
    const env = { TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'hooks', MONGO_URL: 'mongodb://db:27017' };
    assert.deepEqual(resolveServicesConfig({}, env), {
      temporal: { kind: 'external', address: 'temporal:7233', namespace: 'hooks' },
      mongo: { kind: 'external', url: 'mongodb://db:27017' },
    });
  });

  it('lets options override the environment, ports included', () => {
    const env = { HOOKFLOW_TEMPORAL_PORT: '7300', HOOKFLOW_MONGO_PORT: '27100', TEMPORAL_ADDRESS: '' };
    const config = resolveServicesConfig({ temporalPort: 17233, mongoPort: 37017 }, env);
    assert.deepEqual(config.temporal, { kind: 'embedded', ip: '127.0.0.1', port: 17233, uiPort: 18233, namespace: 'default' });
    assert.deepEqual(config.mongo, { kind: 'embedded', host: '127.0.0.1', port: 37017 });
  });

  it('reads ports from HOOKFLOW_*_PORT', () => {
    const config = resolveServicesConfig({}, { HOOKFLOW_TEMPORAL_PORT: '7300', HOOKFLOW_TEMPORAL_UI_PORT: '9000', HOOKFLOW_MONGO_PORT: '27100' });
    assert.deepEqual(config.temporal, { kind: 'embedded', ip: '127.0.0.1', port: 7300, uiPort: 9000, namespace: 'default' });
    assert.deepEqual(config.mongo, { kind: 'embedded', host: '127.0.0.1', port: 27100 });
  });

  it('refuses a port that is no port, naming the variable', () => {
    assert.throws(() => resolveServicesConfig({}, { HOOKFLOW_MONGO_PORT: 'abc' }), /HOOKFLOW_MONGO_PORT must be a port number/);
    assert.throws(() => resolveServicesConfig({ temporalPort: 70000 }, {}), /temporalPort must be a port number/);
  });

  it('refuses the same port for two servers', () => {
    assert.throws(() => resolveServicesConfig({ mongoPort: 8233 }, {}), /MongoDB's port 8233 is also one of Temporal's/);
  });

  it('refuses a MONGO_URL that is not a mongodb:// URL', () => {
    assert.throws(() => resolveServicesConfig({}, { MONGO_URL: 'postgres://db' }), /MONGO_URL must start with mongodb:\/\//);
  });
});

describe('resolvePaths(opts, env)', () => {
  it('puts data and tools under the repository root by default', () => {
    const paths = resolvePaths({}, {});
    assert.equal(paths.data, `${paths.root}/.data`);
    assert.equal(paths.tools, `${paths.root}/.tools`);
    assert.equal(paths.pids, `${paths.root}/.data/pids`);
  });

  it('honours HOOKFLOW_DATA_DIR and HOOKFLOW_TOOLS_DIR, and options over both', () => {
    assert.equal(resolvePaths({}, { HOOKFLOW_DATA_DIR: '/tmp/d', HOOKFLOW_TOOLS_DIR: '/tmp/t' }).tools, '/tmp/t');
    assert.equal(resolvePaths({ dataDir: '/tmp/o' }, { HOOKFLOW_DATA_DIR: '/tmp/d' }).logs, '/tmp/o/logs');
  });
});

describe('server command lines', () => {
  it('temporalDevServerArgs() persists state, tunes SQLite and registers the search attributes', () => {
    const args = temporalDevServerArgs({ ip: '127.0.0.1', port: 7233, uiPort: 8233, namespace: 'default', dbFile: '/d/temporal.db' }).join(' ');
    assert.match(args, /^server start-dev --db-filename \/d\/temporal\.db --ip 127\.0\.0\.1 --port 7233 --ui-port 8233 --log-level warn /);
    assert.match(args, /--sqlite-pragma journal_mode=WAL --sqlite-pragma synchronous=NORMAL/);
    for (const setting of ['matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1', 'system.enableActivityEagerExecution=true']) {
      assert.ok(args.includes(`--dynamic-config-value ${setting}`), `${setting} missing from: ${args}`);
    }
    for (const name of ['WebhookSource', 'WebhookProvider', 'WebhookEventType', 'WebhookStatus', 'WebhookOrderingKey']) {
      assert.ok(args.includes(`--search-attribute ${name}=Keyword`), `${name} missing from: ${args}`);
    }
    assert.ok(!args.includes('--namespace'), 'the default namespace always exists');
  });

  it('temporalDevServerArgs() creates a namespace other than default', () => {
    const args = temporalDevServerArgs({ ip: '127.0.0.1', port: 7233, uiPort: 8233, namespace: 'hooks', dbFile: '/d/t.db' });
    assert.equal(args[args.indexOf('--namespace') + 1], 'hooks');
  });

  it('searchAttributeFlags() spells types the way the CLI expects', () => {
    assert.deepEqual(searchAttributeFlags(), ['WebhookSource=Keyword', 'WebhookProvider=Keyword', 'WebhookEventType=Keyword', 'WebhookStatus=Keyword', 'WebhookOrderingKey=Keyword']);
  });

  it('ferretdbArgs() uses SQLite in the data dir and turns the debug listener off', () => {
    assert.deepEqual(ferretdbArgs({ host: '127.0.0.1', port: 27017, dataDir: '/d/ferretdb' }), [
      '--handler=sqlite',
      '--sqlite-url=file:/d/ferretdb/',
      '--state-dir=/d/ferretdb',
      '--listen-addr=127.0.0.1:27017',
      '--telemetry=disable',
      '--debug-addr=-',
      '--log-level=error',
    ]);
  });

  it('mongodArgs() binds to the host and port given', () => {
    assert.deepEqual(mongodArgs({ host: '127.0.0.1', port: 27018, dataDir: '/d/mongo' }), ['--dbpath', '/d/mongo', '--bind_ip', '127.0.0.1', '--port', '27018']);
  });
});

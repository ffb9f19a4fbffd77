import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveServicesConfig } from '../../../dev/embedded/config';
import { clusterPorts, writeClusterConfig } from '../../../dev/embedded/temporal-cluster';
import { parseOptions } from '../../../bench/options';

describe('the cluster profile: HOOKFLOW_TEMPORAL=cluster', () => {
  it('runs the full server on the frontend port and the eight after it, PostgreSQL on the ninth, the UI 1000 up', () => {
    assert.deepEqual(resolveServicesConfig({}, { HOOKFLOW_TEMPORAL: 'cluster' }).temporal, {
      kind: 'cluster',
      ip: '127.0.0.1',
      port: 7233,
      postgresPort: 7242,
      uiPort: 8233,
      namespace: 'default',
    });
  });

  it('takes its ports and namespace from the environment, or from options', () => {
    const env = { HOOKFLOW_TEMPORAL: 'cluster', HOOKFLOW_TEMPORAL_PORT: '17233', HOOKFLOW_POSTGRES_PORT: '15432', TEMPORAL_NAMESPACE: 'hooks' };
    assert.deepEqual(resolveServicesConfig({ temporalUiPort: 18000 }, env).temporal, {
      kind: 'cluster',
      ip: '127.0.0.1',
      port: 17233,
      postgresPort: 15432,
      uiPort: 18000,
      namespace: 'hooks',
    });
    assert.equal(resolveServicesConfig({ temporalProfile: 'cluster' }, {}).temporal.kind, 'cluster');
  });

  it('is not used when TEMPORAL_ADDRESS names a server', () => {
    assert.equal(resolveServicesConfig({}, { HOOKFLOW_TEMPORAL: 'cluster', TEMPORAL_ADDRESS: 'temporal:7233' }).temporal.kind, 'external');
  });

  it('refuses an unknown profile, naming the variable and the choices', () => {
    assert.throws(() => resolveServicesConfig({}, { HOOKFLOW_TEMPORAL: 'prod' }), /HOOKFLOW_TEMPORAL must be one of dev, cluster \(got "prod"\)/);
  });

  it('refuses ports past 32767 for the cluster: its SQL schema stores membership ports as smallint', () => {
    assert.throws(() => resolveServicesConfig({}, { HOOKFLOW_TEMPORAL: 'cluster', HOOKFLOW_TEMPORAL_PORT: '32760' }), /32760-32768.*smallint.*HOOKFLOW_TEMPORAL_PORT/);
  });

  it('refuses a PostgreSQL or UI port inside the cluster ports, and MongoDB on one of them', () => {
    const cluster = { HOOKFLOW_TEMPORAL: 'cluster', HOOKFLOW_TEMPORAL_PORT: '17233' };
    assert.throws(() => resolveServicesConfig({}, { ...cluster, HOOKFLOW_POSTGRES_PORT: '17235' }), /HOOKFLOW_POSTGRES_PORT/);
    assert.throws(() => resolveServicesConfig({}, { ...cluster, HOOKFLOW_TEMPORAL_UI_PORT: '17240' }), /HOOKFLOW_TEMPORAL_UI_PORT/);
    assert.throws(() => resolveServicesConfig({}, { ...cluster, HOOKFLOW_MONGO_PORT: '17234' }), /MongoDB's port 17234 is also one of Temporal's/);
  });
});

describe('writeClusterConfig', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookflow-cluster-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const tls = {
    caCertPath: '/pki/ca.crt',
    serverCertPath: '/pki/server.crt',
    serverKeyPath: '/pki/server.key',
    clientCertPath: '/pki/client.crt',
    clientKeyPath: '/pki/client.key',
    serverName: 'localhost',
  };

  it('writes PostgreSQL persistence and visibility, four shards, each service on its ports, mTLS on the frontend', () => {
    const args = writeClusterConfig({ dir, host: '127.0.0.1', frontendPort: 17233, postgres: { host: '127.0.0.1', port: 15432 }, tls });
    assert.deepEqual(args, ['--root', dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start']);
    const config: unknown = JSON.parse(readFileSync(join(dir, 'config', 'cluster.yaml'), 'utf8').replace(/^#.*\n/, ''));
    assert.equal(at(config, 'persistence', 'numHistoryShards'), 4);
    for (const [store, database] of [['default', 'temporal'], ['visibility', 'temporal_visibility']] as const) {
      const sql = at(config, 'persistence', 'datastores', store, 'sql');
      assert.deepEqual([at(sql, 'pluginName'), at(sql, 'databaseName'), at(sql, 'connectAddr')], ['postgres12', database, '127.0.0.1:15432']);
    }
    assert.deepEqual(at(config, 'global', 'tls', 'frontend', 'server'), {
      certFile: '/pki/server.crt',
      keyFile: '/pki/server.key',
      requireClientAuth: true,
      clientCaFiles: ['/pki/ca.crt'],
    });
    assert.deepEqual(at(config, 'services', 'history', 'rpc'), { grpcPort: 17235, membershipPort: 17236, bindOnIP: '127.0.0.1' });
  });

  it('gives every service its own gRPC and membership port from the frontend up', () => {
    assert.deepEqual(clusterPorts(17233), {
      frontend: { grpcPort: 17233, membershipPort: 17234 },
      history: { grpcPort: 17235, membershipPort: 17236 },
      matching: { grpcPort: 17237, membershipPort: 17238 },
      worker: { grpcPort: 17239, membershipPort: 17240 },
      httpPort: 17241,
    });
  });
});

/** The value at `path` inside parsed JSON, or undefined. */
function at(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((v, key) => (typeof v === 'object' && v !== null ? Reflect.get(v, key) : undefined), value);
}

describe('bench --temporal', () => {
  it('runs against the cluster profile, its results beside the dev server\'s', () => {
    const opts = parseOptions(['--temporal', 'cluster']);
    assert.equal(opts.temporal, 'cluster');
    assert.match(opts.outDir, /bench\/results\/cluster$/);
    assert.equal(parseOptions([]).temporal, 'dev');
  });

  it('refuses an unknown profile', () => {
    assert.throws(() => parseOptions(['--temporal', 'prod']), /--temporal must be one of dev, cluster/);
  });
});

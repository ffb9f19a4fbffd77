import assert from 'node:assert/strict';
import { runCli } from '../../helpers/cli';
import { TcpProxy } from '../../helpers/tcp-proxy';
import { testServices } from '../../setup/root-hooks';

/**
 * A developer who moved the embedded servers with HOOKFLOW_TEMPORAL_PORT / HOOKFLOW_MONGO_PORT (as
 * npm start honours them) must find the CLI looking at the same servers, not at 7233 and 27017.
 * Each port is a proxy to the suite's server: closed, the CLI cannot reach it; open, it can.
 */
describe('hookflow CLI: HOOKFLOW_TEMPORAL_PORT and HOOKFLOW_MONGO_PORT', function () {
  let mongo: TcpProxy;
  let temporal: TcpProxy;
  let env: Record<string, string>;

  before(async function () {
    const services = testServices();
    mongo = await TcpProxy.create(services.mongoUrl);
    temporal = await TcpProxy.create(services.temporalAddress);
    env = {
      HOOKFLOW_MONGO_PORT: String(mongo.port),
      HOOKFLOW_TEMPORAL_PORT: String(temporal.port),
      TEMPORAL_NAMESPACE: services.temporalNamespace,
      MONGO_DB: 'hookflow_test_cli_ports',
    };
  });
  after(async function () {
    await Promise.all([mongo?.close(), temporal?.close()]);
  });

  it('reads MongoDB on HOOKFLOW_MONGO_PORT: unreachable while nothing listens there', async function () {
    const run = await runCli(['events', 'list', '--json'], env);
    assert.equal(run.code, 4, `expected exit 4 (unavailable): ${run.stdout}${run.stderr}`);
    await mongo.open();
    const again = await runCli(['events', 'list', '--json'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), []);
  });

  it('reaches Temporal on HOOKFLOW_TEMPORAL_PORT: unreachable while nothing listens there', async function () {
    await mongo.open().catch(() => {});
    const args = ['--timeout', '1500', 'bulk', 'terminate', '--query', 'WorkflowId = "cli-ports-none"', '--reason', 'test', '--dry-run', '--json'];
    const run = await runCli(args, env);
    assert.equal(run.code, 4, `expected exit 4 (unavailable): ${run.stdout}${run.stderr}`);
    await temporal.open();
    const again = await runCli(args, env);
    assert.equal(again.code, 0, again.stderr);
  });
});

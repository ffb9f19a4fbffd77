import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../src/cli/exit-codes';
import { ConfigError } from '../../src/config/env';
import { cliEnv, jsonOf, runCli } from '../helpers/cli';
import { startTestHookflow, useHookflow, withTestHookflow } from '../helpers/hookflow';
import { captureLogs } from '../helpers/log-capture';
import { freePort } from '../helpers/ports';
import { sendEvent } from '../helpers/send-event';
import { standardSecret } from '../helpers/signed-event';
import { ALERT, AlertingServer, GrpcGateway, MtlsProxy, requireApiKey } from '../helpers/temporal-tls-proxies';
import { makeTestPki, type TestPki } from '../helpers/test-pki';
import { testServices } from '../setup/root-hooks';
import { startedRun } from '../helpers/runs';
import { TcpProxy } from '../helpers/tcp-proxy';

const SECRET = standardSecret('temporal-tls-test-secret');
const CONFIG = {
  sources: { demo: { provider: 'standard-webhooks', secrets: [SECRET], routes: [{ handlers: ['noop'] }] } },
  handlers: { noop: { kind: 'module', module: require.resolve('../fixtures/handlers/test-handlers'), export: 'noop' } },
};
const API_KEY = 'test-api-key-0123456789abcdef';

/** Whether `promise` rejects with a ConfigError whose message matches every pattern. */
async function rejectsNaming(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<string> {
  let message = '';
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    message = err.message;
    for (const pattern of patterns) assert.match(err.message, pattern);
    return true;
  });
  return message;
}

/** A stored event's `events show --json`, through whatever Temporal settings `env` holds. */
interface ShownEvent {
  readonly workflow: { readonly status: string } | null;
}

describe('connecting to a secured Temporal: TLS proxies in front of the dev server', function () {
  let pki: TestPki;
  let mtls: MtlsProxy;
  let gateway: GrpcGateway;

  before(async function () {
    pki = makeTestPki();
    const target = testServices().temporalAddress;
    mtls = await MtlsProxy.start({ server: pki.server, clientCa: pki.ca.cert, target });
    gateway = await GrpcGateway.start({ server: pki.server, target, gate: requireApiKey(API_KEY) });
  });
  after(async function () {
    await Promise.all([mtls?.close(), gateway?.close()]);
    pki?.remove();
  });

  const mtlsEnv = (client = pki.client, ca = pki.ca): Record<string, string> => ({
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca.certPath,
    TEMPORAL_TLS_CLIENT_CERT_PATH: client.certPath,
    TEMPORAL_TLS_CLIENT_KEY_PATH: client.keyPath,
  });

  describe('with a client certificate (mTLS)', function () {
    const hookflow = useHookflow(() => ({ config: CONFIG, temporalAddress: mtls.address, env: mtlsEnv() }));

    it('receives a signed event and its workflow runs through the proxy', async function () {
      const sent = await sendEvent(hookflow().url, 'demo', SECRET, { type: 'invoice.paid' });
      assert.deepEqual(await (await startedRun(hookflow().temporal, sent.workflowId)).result(), { status: 'processed' });
      assert.equal((await hookflow().store.get(sent.workflowId))?.status, 'processed');
      assert.ok(mtls.stats.accepted > 0, 'the connections went through the proxy');
    });

    it('the CLI lists and shows the event through the proxy', async function () {
      const sent = await sendEvent(hookflow().url, 'demo', SECRET, { type: 'invoice.paid' });
      await (await startedRun(hookflow().temporal, sent.workflowId)).result();
      const env = cliEnv(hookflow(), { TEMPORAL_ADDRESS: mtls.address, ...mtlsEnv() });
      const listed = await runCli(['events', 'list', '--json'], env);
      assert.equal(listed.code, EXIT.ok, listed.stderr);
      assert.match(listed.stdout, new RegExp(sent.eventId));
      const shown = await runCli(['events', 'show', sent.workflowId, '--json'], env);
      assert.equal(shown.code, EXIT.ok, shown.stderr);
      assert.equal((jsonOf(shown) as ShownEvent).workflow?.status, 'COMPLETED', 'the run was described by Temporal');
    });

    it('refuses to start without a client certificate, naming the settings to set', async function () {
      await rejectsNaming(
        startTestHookflow({ config: CONFIG, temporalAddress: mtls.address, env: { TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca.certPath } }),
        /requires a client certificate/,
        /TEMPORAL_TLS_CLIENT_CERT_PATH/,
      );
    });

    it('refuses to start with a client certificate the server does not accept', async function () {
      const refusedBefore = mtls.stats.refused;
      await rejectsNaming(
        startTestHookflow({ config: CONFIG, temporalAddress: mtls.address, env: mtlsEnv(pki.strangerClient) }),
        /ALERT_BAD_CERTIFICATE/,
        /refused the client certificate/,
        /TEMPORAL_TLS_CLIENT_CERT_PATH/,
      );
      assert.ok(mtls.stats.refused > refusedBefore, 'the proxy refused it with an alert');
    });

    it("refuses to start when the server's certificate is not signed by the configured CA", async function () {
      await rejectsNaming(
        startTestHookflow({ config: CONFIG, temporalAddress: mtls.address, env: mtlsEnv(pki.client, pki.otherCa) }),
        /not trusted/,
        /TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
      );
    });

    it('checks the server certificate against TEMPORAL_TLS_SERVER_NAME when it is set', async function () {
      await withTestHookflow({
        config: CONFIG,
        worker: false,
        temporalAddress: mtls.address,
        env: { ...mtlsEnv(), TEMPORAL_TLS_SERVER_NAME: 'localhost' },
      }, async (named) => {
        assert.equal(await named.searchAttributesSettled(), 'present', 'Temporal answered through the proxy');
      });
    });

    it('refuses to start when the server certificate is not issued for TEMPORAL_TLS_SERVER_NAME', async function () {
      await rejectsNaming(
        startTestHookflow({ config: CONFIG, worker: false, temporalAddress: mtls.address, env: { ...mtlsEnv(), TEMPORAL_TLS_SERVER_NAME: 'temporal.example' } }),
        /not issued for temporal\.example/,
        /TEMPORAL_TLS_SERVER_NAME/,
      );
    });

    it('the CLI fails with the setting named when the server refuses its certificate', async function () {
      const run = await runCli(['events', 'list'], cliEnv(hookflow(), { TEMPORAL_ADDRESS: mtls.address, ...mtlsEnv(pki.strangerClient) }));
      assert.equal(run.code, EXIT.failed);
      assert.match(run.stderr, /refused the client certificate.*TEMPORAL_TLS_CLIENT_CERT_PATH/);
    });
  });

  describe('with an API key (Temporal Cloud)', function () {
    let keyFile: string;
    const logs = captureLogs('debug');
    before(function () {
      keyFile = join(pki.dir, 'api-key');
      writeFileSync(keyFile, `${API_KEY}\n`);
    });
    const hookflow = useHookflow(() => ({
      config: CONFIG,
      temporalAddress: gateway.address,
      logger: logs.logger,
      env: { TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca.certPath, TEMPORAL_API_KEY_FILE: keyFile, LOG_LEVEL: 'debug' },
    }));

    it('receives a signed event and its workflow runs through a gateway that checks the key', async function () {
      const sent = await sendEvent(hookflow().url, 'demo', SECRET, { type: 'invoice.paid' });
      assert.deepEqual(await (await startedRun(hookflow().temporal, sent.workflowId)).result(), { status: 'processed' });
      assert.ok(gateway.forwarded > 0, 'the calls went through the gateway');
      assert.deepEqual(gateway.refused, [], 'every call carried the key');
      assert.ok(logs.text().length > 0 && !logs.text().includes(API_KEY), 'the key is not in the logs');
    });

    it('the CLI shows the event through the gateway', async function () {
      const sent = await sendEvent(hookflow().url, 'demo', SECRET, { type: 'invoice.paid' });
      await (await startedRun(hookflow().temporal, sent.workflowId)).result();
      const env = cliEnv(hookflow(), { TEMPORAL_ADDRESS: gateway.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca.certPath, TEMPORAL_API_KEY: API_KEY });
      const shown = await runCli(['events', 'show', sent.workflowId, '--json'], env);
      assert.equal(shown.code, EXIT.ok, shown.stderr);
      assert.equal((jsonOf(shown) as ShownEvent).workflow?.status, 'COMPLETED');
    });

    it('refuses to start with a wrong API key, naming the setting and never the key', async function () {
      const wrongKey = 'wrong-api-key-fedcba9876543210';
      const message = await rejectsNaming(
        startTestHookflow({
          config: CONFIG,
          temporalAddress: gateway.address,
          env: { TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca.certPath, TEMPORAL_API_KEY: wrongKey },
        }),
        /refused the API key \(UNAUTHENTICATED\)/,
        /TEMPORAL_API_KEY/,
      );
      assert.ok(!message.includes(wrongKey) && !message.includes(API_KEY), 'no key in the message');
    });

    it('the CLI fails with the setting named on a wrong API key', async function () {
      const wrongKey = 'wrong-api-key-fedcba9876543210';
      const env = cliEnv(hookflow(), { TEMPORAL_ADDRESS: gateway.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca.certPath, TEMPORAL_API_KEY: wrongKey });
      const run = await runCli(['events', 'list'], env);
      assert.equal(run.code, EXIT.failed);
      assert.match(run.stderr, /refused the API key.*TEMPORAL_API_KEY/);
      assert.ok(!run.stderr.includes(wrongKey) && !run.stdout.includes(wrongKey), 'no key in the output');
    });
  });

  describe('behind a TLS load balancer that accepts the certificate while Temporal behind it is away', function () {
    let temporalBehind: TcpProxy;
    let balancer: MtlsProxy;
    const logs = captureLogs('warn');
    before(async function () {
      // Closed until opened: the balancer completes the handshake, finds nothing behind it and hangs up.
      temporalBehind = await TcpProxy.create(testServices().temporalAddress);
      balancer = await MtlsProxy.start({ server: pki.server, clientCa: pki.ca.cert, target: temporalBehind.address });
    });
    after(async function () {
      await Promise.all([balancer?.close(), temporalBehind?.close()]);
    });
    const hookflow = useHookflow(() => ({ config: CONFIG, temporalAddress: balancer.address, logger: logs.logger, env: mtlsEnv() }));

    it('starts, warning that Temporal does not answer and naming the client certificate as one possible cause', function () {
      assert.ok(balancer.stats.accepted > 0 && balancer.stats.refused === 0, 'the balancer accepted the certificate');
      const warning = logs.records().find((record) => record.msg === 'Temporal does not answer yet; starting anyway, connecting once it does');
      assert.ok(warning, logs.text());
      assert.match(String(warning.possibleCause), /no Temporal behind it yet, or the server refused the client certificate.*TEMPORAL_TLS_CLIENT_CERT_PATH/);
    });

    it('processes an event received meanwhile once Temporal is behind the balancer again', async function () {
      const sent = await sendEvent(hookflow().url, 'demo', SECRET, { type: 'invoice.paid' });
      await temporalBehind.open();
      assert.deepEqual(await (await startedRun(hookflow().temporal, sent.workflowId)).result(), { status: 'processed' });
      assert.equal((await hookflow().store.get(sent.workflowId))?.status, 'processed');
    });
  });

  it('starts when the server answers with a TLS alert that refuses nothing (internal error), naming the alert', async function () {
    const failing = await AlertingServer.start(ALERT.internalError);
    const logs = captureLogs('warn');
    try {
      await withTestHookflow({ config: CONFIG, worker: false, temporalAddress: failing.address, logger: logs.logger, env: mtlsEnv() }, async (hookflow) => {
        assert.ok(hookflow.url, 'the receiver runs');
      });
    } finally {
      await failing.close();
    }
    const warning = logs.records().find((record) => record.msg === 'Temporal does not answer yet; starting anyway, connecting once it does');
    assert.match(String(warning?.possibleCause), /ALERT_INTERNAL_ERROR/, logs.text());
  });

  it('starts while a secured Temporal is merely down, as with a plain one', async function () {
    const nobody = `127.0.0.1:${await freePort()}`;
    await withTestHookflow({ config: CONFIG, worker: false, temporalAddress: nobody, env: mtlsEnv() }, async (hookflow) => {
      assert.ok(hookflow.url, 'the receiver runs');
    });
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { eventually } from '../helpers/eventually';
import { withTestHookflow } from '../helpers/hookflow';
import { captureLogs } from '../helpers/log-capture';
import { sendEvent } from '../helpers/send-event';
import { standardSecret } from '../helpers/signed-event';
import { GrpcGateway } from '../helpers/temporal-tls-proxies';
import { makeTestPki, type TestPki } from '../helpers/test-pki';
import { testServices } from '../setup/root-hooks';

const SECRET = standardSecret('search-attributes-test-secret');
const CONFIG = { sources: { demo: { provider: 'standard-webhooks', secrets: [SECRET] } } };
const KEYWORD = 2;

describe('the service registers its search attributes in its namespace', function () {
  let connection: Connection;
  const namespaces: string[] = [];

  before(async function () {
    connection = await Connection.connect({ address: testServices().temporalAddress });
  });
  after(async function () {
    for (const namespace of namespaces) await connection.operatorService.deleteNamespace({ namespace }).catch(() => {});
    await connection?.close();
  });

  /** A new namespace on the suite's dev server: none of hookflow's attributes in it. */
  async function freshNamespace(): Promise<string> {
    const namespace = `hookflow-sa-${randomBytes(4).toString('hex')}`;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    namespaces.push(namespace);
    // The frontend knows a new namespace once its cache refreshes.
    await eventually(() => connection.operatorService.listSearchAttributes({ namespace }), 30_000, 250);
    return namespace;
  }

  async function customAttributes(namespace: string): Promise<Record<string, number>> {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    return Object.fromEntries(Object.entries(listed.customAttributes ?? {}).map(([name, type]) => [name, Number(type)]));
  }

  it('adds the missing ones when started against a namespace without them', async function () {
    const namespace = await freshNamespace();
    const before = await customAttributes(namespace);
    assert.ok(SEARCH_ATTRIBUTES.every((key) => before[key.name] === undefined), 'the new namespace lacks them');

    await withTestHookflow({ config: CONFIG, worker: false, env: { TEMPORAL_NAMESPACE: namespace } }, async (hookflow) => {
      assert.equal(await hookflow.searchAttributesSettled(), 'registered');
      const after = await customAttributes(namespace);
      for (const key of SEARCH_ATTRIBUTES) assert.equal(after[key.name], KEYWORD, `${key.name} is a Keyword`);
    });
  });

  describe('where the server refuses (PERMISSION_DENIED, as on Temporal Cloud)', function () {
    let pki: TestPki;
    let gateway: GrpcGateway;
    before(async function () {
      pki = makeTestPki();
      gateway = await GrpcGateway.start({
        server: pki.server,
        target: testServices().temporalAddress,
        gate: (path) => (path.endsWith('/AddSearchAttributes') ? 7 : undefined),
      });
    });
    after(async function () {
      await gateway?.close();
      pki?.remove();
    });

    it('warns once with the command an operator runs, and goes on receiving webhooks', async function () {
      const namespace = await freshNamespace();
      const logs = captureLogs('warn');
      await withTestHookflow({
        config: CONFIG,
        worker: false,
        temporalAddress: gateway.address,
        logger: logs.logger,
        env: { TEMPORAL_NAMESPACE: namespace, TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca.certPath },
      }, async (hookflow) => {
        assert.equal(await hookflow.searchAttributesSettled(), 'refused');
        assert.deepEqual(gateway.refused, ['/temporal.api.operatorservice.v1.OperatorService/AddSearchAttributes']);
        const command = `temporal operator search-attribute create --namespace ${namespace} --name WebhookSource --name WebhookProvider --name WebhookEventType --name WebhookStatus --name WebhookOrderingKey --type Keyword`;
        const warnings = logs.records().filter((record) => String(record.msg).includes('search attributes'));
        assert.equal(warnings.length, 1, 'one warning');
        assert.ok(String(warnings[0]?.msg).includes(command), `the warning says what to run: ${String(warnings[0]?.msg)}`);
        await sendEvent(hookflow.url, 'demo', SECRET, { type: 'still.received' });
      });
    });
  });
});

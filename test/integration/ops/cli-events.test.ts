import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPath } from '../../../src/providers/json-path';
import { cliEnv, jsonOf, runCli } from '../../helpers/cli';
import { useHookflow, withTestHookflow } from '../../helpers/hookflow';
import { standardSecret } from '../../helpers/signed-event';
import { closedRun, sendAccepted, type AcceptedEvent } from '../../helpers/operated-runs';
import { eventually } from '../../helpers/eventually';
import { freePort } from '../../helpers/ports';
import { useTempDir } from '../../helpers/temp-dir';

const SECRET = standardSecret('cli-events-test-secret');
const CONFIG = {
  sources: {
    shop: { provider: 'standard-webhooks', secrets: [SECRET] },
    crm: { provider: 'standard-webhooks', secrets: [SECRET] },
  },
};

describe('hookflow CLI: events list, events show, config check', function () {
  const hookflow = useHookflow({ config: CONFIG });
  let paid: AcceptedEvent;
  let refunded: AcceptedEvent;
  let contact: AcceptedEvent;

  before(async function () {
    paid = await sendAccepted(hookflow(), 'shop', SECRET, { type: 'invoice.paid', data: { amount: 42 } });
    refunded = await sendAccepted(hookflow(), 'shop', SECRET, { type: 'invoice.refunded', data: {} });
    contact = await sendAccepted(hookflow(), 'crm', SECRET, { type: 'contact.created', data: {} });
    // No routes: each event ends as ignored, and then nothing changes it, so listings are stable.
    for (const e of [paid, refunded, contact]) await closedRun(hookflow().temporal, e.workflowId);
    await eventually(async () => assert.equal(await hookflow().store.collection.countDocuments({ status: 'ignored' }), 3));
  });

  describe('events list', function () {
    it('prints a table of the stored events, newest first', async function () {
      const run = await runCli(['events', 'list'], cliEnv(hookflow()));
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trim().split('\n');
      assert.match(lines[0] ?? '', /^ID\s+STATUS\s+TYPE\s+RECEIVED\s+RUN$/);
      assert.deepEqual(
        lines.slice(1).map((line) => line.split(/\s+/)[0]),
        [contact.workflowId, refunded.workflowId, paid.workflowId],
      );
      assert.match(run.stdout, /shop:\S+\s+ignored\s+invoice\.paid\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+\S+/);
    });

    it('--json prints the summaries without body or headers', async function () {
      const listed = jsonOf(await runCli(['events', 'list', '--json'], cliEnv(hookflow())));
      assert.ok(Array.isArray(listed));
      assert.equal(listed.length, 3);
      const first = listed.find((e) => readPath(e, '_id') === paid.workflowId);
      assert.equal(readPath(first, 'eventType'), 'invoice.paid');
      assert.equal(readPath(first, 'status'), 'ignored');
      assert.equal(readPath(first, 'workflowId'), paid.workflowId);
      assert.equal(readPath(first, 'body'), undefined);
      assert.equal(readPath(first, 'headers'), undefined);
    });

    it('filters by source, status, type (exact and prefix), time and limit', async function () {
      const ids = async (...args: string[]): Promise<unknown[]> => {
        const listed = jsonOf(await runCli(['events', 'list', '--json', ...args], cliEnv(hookflow())));
        assert.ok(Array.isArray(listed));
        return listed.map((e) => readPath(e, '_id'));
      };
      assert.deepEqual(await ids('--source', 'crm'), [contact.workflowId]);
      assert.deepEqual(await ids('--type', 'invoice.paid'), [paid.workflowId]);
      assert.deepEqual(await ids('--type', 'invoice.*'), [refunded.workflowId, paid.workflowId]);
      assert.deepEqual(await ids('--status', 'processed'), []);
      assert.deepEqual((await ids('--status', 'ignored', '--since', '1h')).length, 3);
      assert.deepEqual(await ids('--until', '2000-01-01T00:00:00Z'), []);
      assert.deepEqual(await ids('--limit', '1'), [contact.workflowId]);
    });

    it('refuses a bad filter with exit code 2 and says what is wrong', async function () {
      const badStatus = await runCli(['events', 'list', '--status', 'done'], cliEnv(hookflow()));
      assert.equal(badStatus.code, 2, badStatus.stderr);
      assert.match(badStatus.stderr, /status must be one of received, processing/);
      const badTime = await runCli(['events', 'list', '--since', 'yesterday'], cliEnv(hookflow()));
      assert.equal(badTime.code, 2, badTime.stderr);
      assert.match(badTime.stderr, /since must be an ISO time .* or a span such as 15m/);
      const unknownOption = await runCli(['events', 'list', '--colour'], cliEnv(hookflow()));
      assert.equal(unknownOption.code, 2, unknownOption.stderr);
      assert.match(unknownOption.stderr, /unknown option '--colour'/);
    });
  });

  describe('events show', function () {
    it('prints the stored event, its history, its run and the Temporal UI link, not the body', async function () {
      const run = await runCli(['events', 'show', paid.workflowId], cliEnv(hookflow(), { TEMPORAL_UI_URL: 'http://ui.example:8080/' }));
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Event\\s+${paid.workflowId}$`, 'm'));
      assert.match(run.stdout, /^Status\s+ignored$/m);
      assert.match(run.stdout, /^History\s+\S+ \S+ received$/m);
      assert.match(run.stdout, /^\s+\S+ \S+ ignored/m);
      assert.match(run.stdout, /^Workflow\s+COMPLETED, run \S+, \d+ history events, started \S+ \S+, closed /m);
      const ui = `http://ui.example:8080/namespaces/${hookflow().env.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(paid.workflowId)}`;
      assert.match(run.stdout, new RegExp(`^Temporal UI\\s+${ui.replace(/[.?]/g, '\\$&')}$`, 'm'));
      assert.ok(!run.stdout.includes('"amount":42'), 'the body is not printed by default');
    });

    it('says so, instead of hanging, when no worker answers an open run\'s status query', async function () {
      await withTestHookflow({ config: CONFIG, worker: false }, async (stalled) => {
        const sent = await sendAccepted(stalled, 'shop', SECRET, { type: 'invoice.paid' });
        const run = await runCli(['events', 'show', sent.workflowId], cliEnv(stalled));
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /^Workflow\s+RUNNING, run \S+/m);
        assert.match(run.stdout, /^State\s+.*no worker answered the status query/m);
      });
    });

    it('--json --body includes the raw body and headers; without --body neither', async function () {
      const plain = jsonOf(await runCli(['events', 'show', paid.workflowId, '--json', '--no-query'], cliEnv(hookflow())));
      assert.equal(readPath(plain, 'event._id'), paid.workflowId);
      assert.equal(readPath(plain, 'event.body'), undefined);
      assert.equal(readPath(plain, 'body'), undefined);
      assert.equal(readPath(plain, 'headers'), undefined);
      assert.equal(readPath(plain, 'workflow.status'), 'COMPLETED');

      const full = jsonOf(await runCli(['events', 'show', paid.workflowId, '--json', '--body', '--no-query'], cliEnv(hookflow())));
      assert.equal(readPath(full, 'body.text'), paid.body);
      assert.equal(readPath(full, 'body.encoding'), 'utf8');
      const headers = readPath(full, 'headers');
      assert.ok(Array.isArray(headers));
      assert.ok(headers.some((h) => readPath(h, 'name') === 'webhook-id' && readPath(h, 'value') === paid.eventId));
    });

    it('answers an unknown ID with exit code 3 and a message naming it', async function () {
      const run = await runCli(['events', 'show', 'shop:no-such-event'], cliEnv(hookflow()));
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, /No stored event "shop:no-such-event"/);
    });

    it('fails fast with exit code 4 when Temporal does not answer', async function () {
      const closed = await freePort();
      const run = await runCli(['--timeout', '1500', 'events', 'show', paid.workflowId], cliEnv(hookflow(), { TEMPORAL_ADDRESS: `127.0.0.1:${closed}` }));
      assert.equal(run.code, 4, run.stderr);
      assert.match(run.stderr, new RegExp(`Temporal at 127\\.0\\.0\\.1:${closed} did not answer within 1500 ms`));
    });

    it('fails with exit code 4 when MongoDB does not answer', async function () {
      const closed = await freePort();
      const run = await runCli(['events', 'list'], cliEnv(hookflow(), { MONGO_URL: `mongodb://127.0.0.1:${closed}` }));
      assert.equal(run.code, 4, run.stderr);
      assert.match(run.stderr, /MongoDB did not answer in time/);
    });
  });

  describe('config check', function () {
    const dir = useTempDir('hookflow-config-check-');

    it('prints the sources, routes and handlers it would accept, counting secrets and printing none', async function () {
      const path = join(dir(), 'valid.json');
      const literal = standardSecret('literal-secret-value');
      const forwardSecret = standardSecret('forward-secret-value');
      writeFileSync(path, JSON.stringify({
        sources: {
          github: { provider: 'github', secrets: [{ env: 'GH_SECRET' }, literal] },
          shop: {
            provider: 'standard-webhooks',
            secrets: [literal],
            eventId: { header: 'x-request-id' },
            routes: [
              { match: { type: 'order.*' }, handlers: ['erp'], retry: { maximumAttempts: 3 }, timeout: '20s' },
              { match: { type: 'customer.*' }, handlers: ['erp'], ordering: { key: { field: 'data.customer' } } },
            ],
          },
        },
        handlers: {
          erp: { kind: 'http', url: 'https://erp.internal:8443/hooks?token=query-secret', secret: forwardSecret, headers: { authorization: 'Bearer header-secret' } },
        },
      }));
      const env = { HOOKFLOW_CONFIG: path, GH_SECRET: 'env-secret-value-123' };
      const run = await runCli(['config', 'check'], env);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /valid, 2 source\(s\), 2 route\(s\), 1 handler\(s\)/);
      assert.match(run.stdout, /^github\s+github\s+2\s+/m);
      assert.match(run.stdout, /^shop\s+standard-webhooks\s+1\s+300s\s+\d+\s+header x-request-id\s+POST \/webhooks\/shop$/m);
      assert.match(run.stdout, /^shop\s+type order\.\*\s+erp\s+3\s+20s\s+\S+\s+-$/m);
      assert.match(run.stdout, /^shop\s+type customer\.\*\s+erp\s+10\s+30s\s+\S+\s+field data\.customer \(block, 2s\)$/m);
      assert.match(run.stdout, /^erp\s+http\s+https:\/\/erp\.internal:8443\/hooks\s+authorization$/m);
      for (const secret of ['env-secret-value-123', literal, forwardSecret, 'header-secret', 'query-secret']) {
        assert.ok(!run.stdout.includes(secret), `${secret} is not printed`);
      }

      const json = jsonOf(await runCli(['config', 'check', '--json'], env));
      assert.equal(readPath(json, 'valid'), true);
      assert.equal(readPath(json, 'sources.0.secrets'), 2);
      assert.deepEqual(readPath(json, 'handlers.0.headerNames'), ['authorization']);
      assert.ok(!JSON.stringify(json).includes('env-secret-value-123') && !JSON.stringify(json).includes('header-secret'));
    });

    it('exits 1 listing every problem with its place, naming variables but not values', async function () {
      const path = join(dir(), 'invalid.json');
      writeFileSync(path, JSON.stringify({
        sources: {
          github: { provider: 'github', secrets: [{ env: 'MISSING_GH_SECRET' }] },
          pay: { provider: 'no-such-provider', secrets: ['x'] },
        },
      }));
      const run = await runCli(['config', 'check', '--config', path], {});
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /sources\.pay\.provider: unknown provider/);
      assert.equal(run.stdout, '');
      const missing = join(dir(), 'secretless.json');
      writeFileSync(missing, JSON.stringify({ sources: { github: { provider: 'github', secrets: [{ env: 'MISSING_GH_SECRET' }] } } }));
      const unset = await runCli(['config', 'check', '--config', missing], {});
      assert.equal(unset.code, 1, unset.stderr);
      assert.match(unset.stderr, /sources\.github\.secrets\[0\]: environment variable MISSING_GH_SECRET is not set/);
    });

    it('checks the environment too: a short ADMIN_TOKEN is refused without echoing it', async function () {
      const run = await runCli(['config', 'check'], { ADMIN_TOKEN: 'short-token' });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /ADMIN_TOKEN: use at least 16 characters/);
      assert.ok(!run.stderr.includes('short-token'));
    });
  });
});

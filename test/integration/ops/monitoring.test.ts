import assert from 'node:assert/strict';
import { readPath } from '../../../src/providers/json-path';
import { eventually } from '../../helpers/eventually';
import { useHookflow, withTestHookflow } from '../../helpers/hookflow';
import { post } from '../../helpers/http';
import { captureLogs } from '../../helpers/log-capture';
import { sendAccepted, storeUnstartedEvent } from '../../helpers/operated-runs';
import { signStandard, standardSecret } from '../../helpers/signed-event';
import { testServices } from '../../setup/root-hooks';

const SECRET = standardSecret('monitoring-test-secret');
const CONFIG = { sources: { shop: { provider: 'standard-webhooks', secrets: [SECRET] } } };

async function metricsOf(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample line, e.g. `hookflow_pending_starts` or `name{label="x"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function getJson(url: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url);
  return { status: res.status, json: await res.json() };
}

describe('monitoring: /healthz, /readyz, /metrics and event logs', function () {
  const logs = captureLogs('info');
  const hookflow = useHookflow({ config: CONFIG, logger: logs.logger });

  it('/healthz answers 200 without asking any server', async function () {
    const { status, json } = await getJson(`${hookflow().url}/healthz`);
    assert.equal(status, 200);
    assert.deepEqual(json, { status: 'ok' });
  });

  it('/readyz answers 200 once MongoDB, Temporal and the worker are ready, with each check', async function () {
    const { json } = await eventually(async () => {
      const reply = await getJson(`${hookflow().url}/readyz`);
      assert.equal(reply.status, 200, JSON.stringify(reply.json));
      return reply;
    });
    assert.equal(readPath(json, 'status'), 'ready');
    for (const check of ['mongodb', 'temporal', 'worker']) assert.equal(readPath(json, `checks.${check}.ok`), true, check);
    assert.equal(readPath(json, 'checks.worker.state'), 'running');
  });

  it('/readyz serves concurrent probes from one check instead of one check each', async function () {
    const bodies = await Promise.all(Array.from({ length: 20 }, () => fetch(`${hookflow().url}/readyz`).then((r) => r.text())));
    // Checks are cached for a second: even a slow machine answers 20 probes from one or two.
    assert.ok(new Set(bodies).size <= 2, `${new Set(bodies).size} distinct checks for 20 probes`);
  });

  it('/metrics counts webhooks by source and outcome, times them, and times workflow starts', async function () {
    const sent = await sendAccepted(hookflow(), 'shop', SECRET, { type: 'order.created' });
    const again = signStandard(SECRET, sent.body, sent.eventId);
    assert.equal((await post(`${hookflow().url}/webhooks/shop`, again.body, again.headers)).status, 200);
    const forged = signStandard(standardSecret('not-the-secret'), '{}');
    assert.equal((await post(`${hookflow().url}/webhooks/shop`, forged.body, forged.headers)).status, 401);
    assert.equal((await post(`${hookflow().url}/webhooks/made-up-source`, forged.body, forged.headers)).status, 404);

    const text = await metricsOf(hookflow().url);
    const requests = (labels: string): number | undefined => sample(text, `hookflow_webhook_requests_total{${labels}}`);
    assert.equal(requests('source="shop",outcome="accepted",reason=""'), 1);
    assert.equal(requests('source="shop",outcome="duplicate",reason=""'), 1);
    assert.equal(requests('source="shop",outcome="rejected",reason="invalid_signature"'), 1);
    assert.equal(requests('source="unknown",outcome="rejected",reason="unknown_source"'), 1, 'a made-up source is no label');
    assert.ok(!text.includes('made-up-source'));
    assert.equal(sample(text, 'hookflow_webhook_ack_seconds_count{source="shop",outcome="accepted"}'), 1);
    // Started after the answer, by the receiver's starter.
    await eventually(async () => assert.equal(sample(await metricsOf(hookflow().url), 'hookflow_workflow_start_seconds_count{outcome="started"}'), 1));
    assert.equal(sample(text, 'hookflow_worker_running'), 1);
    assert.ok(sample(text, 'process_cpu_user_seconds_total') !== undefined, 'process metrics are there too');
  });

  it('/metrics counts a 503 refusal as outcome unavailable, with its reason, not as rejected', async function () {
    // Every insert takes longer than a millisecond: each one makes the store slow for the next second.
    await withTestHookflow({ config: CONFIG, worker: false, env: { STORE_SLOW_MS: '1' } }, async (slow) => {
      await eventually(async () => {
        const sent = signStandard(SECRET, JSON.stringify({ type: 'order.created' }));
        assert.equal((await post(`${slow.url}/webhooks/shop`, sent.body, sent.headers)).status, 503);
      });
      const text = await metricsOf(slow.url);
      assert.ok((sample(text, 'hookflow_webhook_requests_total{source="shop",outcome="unavailable",reason="store_slow"}') ?? 0) >= 1);
      assert.equal(sample(text, 'hookflow_webhook_requests_total{source="shop",outcome="rejected",reason="store_slow"}'), undefined);
    });
  });

  it('/metrics reports the backlog: events stored but not started, the age of the oldest, and the runs not finished', async function () {
    // The oldest is read at most once a relay interval: a short one, so the new value shows soon.
    await withTestHookflow({ config: CONFIG, worker: false, env: { RELAY_INTERVAL_MS: '200' } }, async (idle) => {
      const before = await metricsOf(idle.url);
      assert.equal(sample(before, 'hookflow_pending_starts'), 0);
      assert.equal(sample(before, 'hookflow_oldest_pending_start_age_seconds'), 0);
      // Left by a receiver that died before starting them, leased for ten minutes, so this relay leaves them waiting.
      await storeUnstartedEvent(idle, 'shop', 10 * 60_000);
      await storeUnstartedEvent(idle, 'shop', 10 * 60_000);
      await eventually(async () => {
        const text = await metricsOf(idle.url);
        assert.equal(sample(text, 'hookflow_pending_starts'), 2);
        assert.ok((sample(text, 'hookflow_oldest_pending_start_age_seconds') ?? 0) > 0);
      });
      // No worker polls this task queue: a run started here stays open.
      await sendAccepted(idle, 'shop', SECRET, { type: 'order.created' });
      await eventually(async () => assert.equal(sample(await metricsOf(idle.url), 'hookflow_open_runs'), 1));
    });
  });

  it('reads the backlog from memory and pending_starts only, at most once per relay interval, however often /metrics is scraped', async function () {
    const mongoUrl = new URL(testServices().mongoUrl);
    mongoUrl.searchParams.set('monitorCommands', 'true');
    await withTestHookflow({ config: CONFIG, worker: false, mongoUrl: mongoUrl.toString(), env: { RELAY_INTERVAL_MS: '60000' } }, async (scraped) => {
      assert.equal(await scraped.storeReady(), true);
      let oldestReads = 0;
      const eventReads: string[] = [];
      // The oldest pending start is a find on pending_starts; the starter's own recount is an aggregate there.
      scraped.mongo.on('commandStarted', (started) => {
        if (started.commandName === 'find' && started.command.find === 'pending_starts') oldestReads += 1;
        if (Object.values(started.command).includes('events')) eventReads.push(started.commandName);
      });
      const texts: string[] = [];
      for (let i = 0; i < 10; i++) texts.push(await metricsOf(scraped.url));
      texts.push(...(await Promise.all(Array.from({ length: 20 }, () => metricsOf(scraped.url)))));
      assert.equal(oldestReads, 1, 'thirty scrapes, one read');
      assert.deepEqual(eventReads, [], 'no scrape reads the events collection');
      for (const text of texts) assert.equal(sample(text, 'hookflow_pending_starts'), 0);
    });
  });

  it('keeps a registry per instance: another hookflow in the process counts only its own', async function () {
    await withTestHookflow({ config: CONFIG, worker: false }, async (other) => {
      const text = await metricsOf(other.url);
      assert.equal(sample(text, 'hookflow_webhook_requests_total{source="shop",outcome="accepted",reason=""}'), undefined);
      assert.ok((sample(await metricsOf(hookflow().url), 'hookflow_webhook_requests_total{source="shop",outcome="accepted",reason=""}') ?? 0) >= 1);
    });
  });

  it('with METRICS_PORT, serves /metrics, /healthz and /readyz there only, not on the webhook port', async function () {
    await withTestHookflow({ config: CONFIG, worker: false, env: { METRICS_PORT: '0' } }, async (split) => {
      assert.ok(split.monitoringUrl);
      const base = split.monitoringUrl;
      for (const path of ['/metrics', '/healthz', '/readyz']) {
        assert.equal((await fetch(`${split.url}${path}`)).status, 404, `${path} on the webhook port`);
      }
      assert.equal((await getJson(`${base}/healthz`)).status, 200);
      await eventually(async () => assert.equal((await getJson(`${base}/readyz`)).status, 200));
      const forged = signStandard(standardSecret('not-the-secret'), '{}');
      assert.equal((await post(`${split.url}/webhooks/shop`, forged.body, forged.headers)).status, 401);
      const text = await metricsOf(base);
      assert.equal(sample(text, 'hookflow_webhook_requests_total{source="shop",outcome="rejected",reason="invalid_signature"}'), 1, 'webhooks are still counted');
    });
  });

  it('a worker-only process serves /metrics and /readyz on METRICS_PORT', async function () {
    await withTestHookflow({ config: CONFIG, receiver: false, env: { METRICS_PORT: '0' } }, async (worker) => {
      assert.ok(worker.monitoringUrl);
      const base = worker.monitoringUrl;
      await eventually(async () => assert.equal(sample(await metricsOf(base), 'hookflow_worker_running'), 1));
      const text = await metricsOf(base);
      assert.equal(sample(text, 'hookflow_pending_starts'), undefined, 'no receiver, no backlog of starts');
      const ready = await getJson(`${base}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal(readPath(ready.json, 'checks.worker.state'), 'running');
    });
  });

  it('logs every line about an event with its source, eventId and workflowId, and never its body', async function () {
    const sent = await sendAccepted(hookflow(), 'shop', SECRET, { type: 'order.logged', data: { card: '4242-secret-body-marker' } });
    await eventually(() => assert.ok(logs.records().some((r) => r.eventId === sent.eventId)));
    const lines = logs.records().filter((r) => r.eventId === sent.eventId || r.workflowId === sent.workflowId);
    for (const line of lines) {
      assert.deepEqual([line.source, line.eventId, line.workflowId], ['shop', sent.eventId, sent.workflowId], JSON.stringify(line));
    }
    assert.ok(!logs.text().includes('4242-secret-body-marker'), 'no body in the logs');
  });
});

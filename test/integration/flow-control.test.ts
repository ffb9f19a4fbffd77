import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jsonLine, startChild, type BenchChild } from '../../bench/children';
import { handlerBreakerWorkflowId, handlerPermitsWorkflowId } from '../../src/flow/handler-queues';
import { readPath } from '../../src/providers/json-path';
import { cliEnv, jsonOf, runCli } from '../helpers/cli';
import { answer, useDestinations, type DeliveredRequest } from '../helpers/destination';
import { eventually } from '../helpers/eventually';
import { recordHistory } from '../helpers/histories';
import { useHookflow } from '../helpers/hookflow';
import { forwardingTo } from '../helpers/processing';
import { sendEvent, type SentEvent } from '../helpers/send-event';
import { standardSecret } from '../helpers/signed-event';
import { useTempDir } from '../helpers/temp-dir';

const SOURCE_SECRET = standardSecret('flow-control-source');
const FORWARD_SECRET = standardSecret('flow-control-forward');
const ADMIN_TOKEN = 'flow-control-admin-token-0123456789';
const WORKER = resolve(__dirname, '../../src/worker/main.js');
/** The `rated` handler's limit, in attempts per second. */
const RATE = 4;
/** The `narrow` handler's limit of attempts in flight, and how long its destination takes to answer. */
const CONCURRENCY = 2;
const NARROW_DELAY_MS = 400;

/** The most requests that reached the destination within any `windowMs` (a window starts at each request). */
function mostWithin(requests: readonly DeliveredRequest[], windowMs: number): number {
  const times = requests.map((r) => r.atMs).sort((a, b) => a - b);
  return Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));
}

/** The most requests the destination was answering at once: each is in flight from its arrival for `delayMs`. */
function mostInFlight(requests: readonly DeliveredRequest[], delayMs: number): number {
  return Math.max(0, ...requests.map((r) => requests.filter((o) => o.atMs <= r.atMs && r.atMs < o.atMs + delayMs).length));
}

describe('flow control: per-handler limits across two workers, pause and resume', function () {
  this.timeout(300_000);
  const d = useDestinations(FORWARD_SECRET, {
    rated: answer(200),
    narrow: () => ({ status: 200, delayMs: NARROW_DELAY_MS }),
    held: answer(200),
  });
  const dir = useTempDir('hookflow-flow-control-');
  const config = () => ({
    sources: {
      shop: {
        provider: 'standard-webhooks',
        secrets: [SOURCE_SECRET],
        routes: ['rated', 'narrow', 'held'].map((name) => ({ match: { type: `order.${name}` }, handlers: [name] })),
      },
    },
    handlers: {
      rated: { ...forwardingTo(d().rated, FORWARD_SECRET), limits: { rate: RATE } },
      narrow: { ...forwardingTo(d().narrow, FORWARD_SECRET), limits: { concurrency: CONCURRENCY } },
      held: forwardingTo(d().held, FORWARD_SECRET),
    },
    defaults: { retry: { initialInterval: '100ms', backoffCoefficient: 1, maximumInterval: '100ms', maximumAttempts: 5 }, timeout: '10s' },
  });
  // The first worker runs in this process with the receiver; the second is a worker process of its own.
  const hookflow = useHookflow(() => ({ config: config(), storeReady: true, env: { ADMIN_TOKEN } }));
  let second: BenchChild | undefined;
  let starts = 0;

  /** Starts a worker process on the test hookflow's task queues and database; resolves once it polls. */
  async function startSecondWorker(): Promise<BenchChild> {
    starts += 1;
    const child = startChild({
      name: `second worker #${starts}`,
      script: WORKER,
      env: { PATH: process.env.PATH ?? '', ...cliEnv(hookflow(), { HOOKFLOW_CONFIG: join(dir(), 'hookflow.json'), LOG_FORMAT: 'json' }) },
      logFile: join(dir(), `worker-${starts}.log`),
    });
    await child.waitFor((line) => (jsonLine(line)?.msg === 'worker running' ? true : undefined), 120_000);
    return child;
  }

  before(async function () {
    writeFileSync(join(dir(), 'hookflow.json'), JSON.stringify(config()));
    second = await startSecondWorker();
  });
  after(async function () {
    await second?.stop();
  });

  const send = (type: string, count: number): Promise<SentEvent[]> =>
    Promise.all(Array.from({ length: count }, (_, i) => sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type, data: { i } })));

  /** The identities of the workers that started the handler's attempts of these events (from their runs' histories). */
  async function workersThatRan(events: readonly SentEvent[]): Promise<Set<string>> {
    const identities = new Set<string>();
    for (const event of events) {
      const history = await hookflow().temporal.workflow.getHandle(event.workflowId).fetchHistory();
      for (const e of history.events ?? []) {
        const identity = e.activityTaskStartedEventAttributes?.identity;
        if (identity) identities.add(identity);
      }
    }
    return identities;
  }

  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${hookflow().url}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: await res.json() };
  }

  it(`a handler limited to ${RATE}/s is sent at most that rate, measured at the destination, with two workers polling`, async function () {
    const events = await send('order.rated', 6 * RATE);
    await eventually(() => assert.equal(d().rated.requests.length, events.length), 120_000, 200);
    // Temporal's limiter is a token bucket: from idle it lets one second's worth through at once,
    // then R per second. Any 2 s window sees at most R*2 + R, and one for clock slack.
    const most = mostWithin(d().rated.requests, 2000);
    assert.ok(most <= 3 * RATE + 1, `${most} requests within 2 s, more than the limit allows (${3 * RATE + 1})`);
    assert.equal((await workersThatRan(events)).size, 2, 'both workers ran attempts of the handler');
  });

  // Both workers poll the handler's queue; with two permits, either may get every attempt.
  it(`a handler limited to ${CONCURRENCY} attempts at once never has more in flight, with two workers polling`, async function () {
    const events = await send('order.narrow', 10);
    await eventually(() => assert.equal(d().narrow.requests.length, events.length), 120_000, 200);
    const most = mostInFlight(d().narrow.requests, NARROW_DELAY_MS);
    assert.ok(most <= CONCURRENCY, `${most} requests in flight at once at the destination, more than ${CONCURRENCY}`);
    for (const event of events) assert.equal(d().narrow.requestsFor(`${event.workflowId}:narrow`).length, 1, 'each event once');
    const { temporal, env } = hookflow();
    await recordHistory(temporal.workflow.getHandle(events[0]?.workflowId ?? ''), 'event-with-handler-permit');
    await recordHistory(temporal.workflow.getHandle(handlerPermitsWorkflowId(env.TEMPORAL_TASK_QUEUE, 'narrow')), 'handler-permits');
  });

  it('a paused handler receives nothing, its events wait without spending attempts, across a worker restart, then each arrives once after resume', async function () {
    const paused = await admin('POST', '/handlers/held/pause', { reason: 'destination maintenance' });
    assert.equal(paused.status, 200);
    assert.equal(readPath(paused.json, 'state'), 'paused');

    const events = await send('order.held', 5);
    // Waiting in the handler's task queue: Temporal counts them there.
    await eventually(async () => {
      const listed = await admin('GET', '/handlers');
      const held = (readPath(listed.json, 'handlers') as unknown[]).find((h) => readPath(h, 'name') === 'held');
      assert.equal(readPath(held, 'state'), 'paused');
      assert.equal(readPath(held, 'paused.reason'), 'destination maintenance');
      assert.equal(readPath(held, 'backlog'), 5);
    }, 60_000, 500);
    const shown = await admin('GET', `/events/${events[0]?.workflowId ?? ''}?query=false`);
    assert.deepEqual((readPath(shown.json, 'workflow.waitingAttempts') as unknown[]).map((w) => readPath(w, 'handler')), ['held'], 'the event shows what it waits for');
    const metrics = await (await fetch(`${hookflow().url}/metrics`)).text();
    assert.match(metrics, /^hookflow_handler_paused\{handler="held"\} 1$/m);

    // Every process of hookflow but this test's own stops and starts again: the pause is Temporal's.
    await second?.stop();
    second = await startSecondWorker();
    await new Promise((done) => setTimeout(done, 3000));
    assert.equal(d().held.requests.length, 0, 'a paused handler receives nothing');
    for (const event of events) assert.deepEqual(await hookflow().store.attemptsOf(event.workflowId), [], 'no attempt spent while paused');

    const listed = jsonOf(await runCli(['handlers', 'list', '--json'], cliEnv(hookflow(), { HOOKFLOW_CONFIG: join(dir(), 'hookflow.json') })));
    const held = (readPath(listed, 'handlers') as unknown[]).find((h) => readPath(h, 'name') === 'held');
    assert.equal(readPath(held, 'state'), 'paused');

    const resumed = await runCli(['handlers', 'resume', 'held'], cliEnv(hookflow(), { HOOKFLOW_CONFIG: join(dir(), 'hookflow.json') }));
    assert.equal(resumed.code, 0, resumed.stderr);
    await eventually(() => assert.equal(d().held.requests.length, events.length), 60_000, 200);
    for (const event of events) assert.equal(d().held.requestsFor(`${event.workflowId}:held`).length, 1, 'each event exactly once');
  });

  it('pausing or resuming a handler the config does not define is a 404 naming the defined ones', async function () {
    const answer = await admin('POST', '/handlers/nope/pause');
    assert.equal(answer.status, 404);
    assert.match(String(readPath(answer.json, 'message')), /No handler "nope" in the config \(defined: rated, narrow, held\)/);
  });
});

describe('flow control: the circuit breaker', function () {
  this.timeout(300_000);
  /** Fails its first 20 requests, then answers 200. */
  const FAILURES = 20;
  const PROBE_MS = 2000;
  const d = useDestinations(FORWARD_SECRET, { flaky: (index) => ({ status: index < FAILURES ? 503 : 200 }) });
  const hookflow = useHookflow(() => ({
    config: {
      sources: { shop: { provider: 'standard-webhooks', secrets: [SOURCE_SECRET], routes: [{ handlers: ['flaky'] }] } },
      handlers: { flaky: { ...forwardingTo(d().flaky, FORWARD_SECRET), breaker: { probeInterval: `${PROBE_MS}ms`, maximumProbeInterval: '4s' } } },
      defaults: { retry: { initialInterval: '200ms', backoffCoefficient: 1, maximumInterval: '200ms', maximumAttempts: 50 }, timeout: '10s' },
    },
    storeReady: true,
    env: { ADMIN_TOKEN },
  }));

  async function state(): Promise<unknown> {
    const res = await fetch(`${hookflow().url}/admin/handlers`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return readPath((readPath(await res.json(), 'handlers') as unknown[])[0], 'state');
  }

  it('opens after consecutive failures, lets only probes through at growing intervals, and closes once the destination recovers', async function () {
    const events = await Promise.all(Array.from({ length: 5 }, (_, i) => sendEvent(hookflow().url, 'shop', SOURCE_SECRET, { type: 'order.flaky', data: { i } })));
    await eventually(async () => assert.equal(await state(), 'breaker-open'), 60_000, 100);
    const openedAt = Date.now();
    const beforeOpen = d().flaky.requests.length;
    assert.ok(beforeOpen >= 10, `${beforeOpen} requests before the breaker opened`);

    // Every event is processed in the end, each answered 200 once (the destination's requests from the 21st on).
    await eventually(async () => {
      for (const event of events) assert.equal((await hookflow().store.get(event.workflowId))?.status, 'processed');
    }, 180_000, 500);
    const all = d().flaky.requests;
    for (const event of events) {
      const succeeded = all.filter((r, i) => i >= FAILURES && r.headers['idempotency-key'] === `${event.workflowId}:flaky`);
      assert.equal(succeeded.length, 1, `${event.workflowId} answered 200 once`);
    }
    await eventually(async () => assert.equal(await state(), 'active'), 60_000, 200);
    await recordHistory(hookflow().temporal.workflow.getHandle(handlerBreakerWorkflowId(hookflow().env.TEMPORAL_TASK_QUEUE, 'flaky')), 'handler-breaker');

    // Once open (past the reports of attempts already in flight), until the destination recovered:
    // single probes, each at least the probe interval after the one before.
    const settled = openedAt + 1500;
    const probes = d().flaky.requests.filter((r, i) => r.atMs > settled && i < FAILURES).map((r) => r.atMs);
    for (let i = 1; i < probes.length; i++) {
      const gap = (probes[i] ?? 0) - (probes[i - 1] ?? 0);
      assert.ok(gap >= PROBE_MS - 200, `probes ${gap} ms apart, less than the ${PROBE_MS} ms interval`);
    }
    assert.ok(probes.length >= 3, `${probes.length} probes while open`);
    const lastGap = (probes[probes.length - 1] ?? 0) - (probes[probes.length - 2] ?? 0);
    assert.ok(lastGap >= 2 * PROBE_MS - 200, `the interval grows: the last probes were ${lastGap} ms apart`);
  });
});

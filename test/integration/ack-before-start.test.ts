import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { Binary } from 'mongodb';
import { eventually } from '../helpers/eventually';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { storeUnstartedEvent } from '../helpers/operated-runs';
import { freePort } from '../helpers/ports';
import { rawRequest } from '../helpers/raw-http';
import { signStandard, standardSecret, type SignedDelivery } from '../helpers/signed-event';
import { TcpProxy } from '../helpers/tcp-proxy';
import { testServices } from '../setup/root-hooks';

const SECRET = standardSecret('ack-before-start-test-secret');
// Every event goes to a handler that does nothing, so a processed event ends `processed`.
const CONFIG = {
  sources: { demo: { provider: 'standard-webhooks', secrets: [SECRET], routes: [{ handlers: ['noop'] }] } },
  handlers: { noop: { kind: 'module', module: require.resolve('../fixtures/handlers/test-handlers'), export: 'noop' } },
};

async function metric(hookflow: TestHookflow, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${hookflow.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function delivery(n: number): SignedDelivery {
  return signStandard(SECRET, JSON.stringify({ type: 'ack.test', data: { n } }));
}

async function send(hookflow: TestHookflow, d: SignedDelivery): Promise<{ status: number; body: Record<string, unknown> }> {
  return post(`${hookflow.url}/webhooks/demo`, d.body, d.headers);
}

/** Runs under one workflow ID (visibility is eventually consistent: waits until one shows). */
async function runsOf(hookflow: TestHookflow, workflowId: string): Promise<number> {
  return eventually(async () => {
    let count = 0;
    for await (const _run of hookflow.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) count++;
    assert.ok(count > 0, `no run of ${workflowId} visible yet`);
    return count;
  });
}

/** Waits until the event is processed, then checks it was processed once, by one run. */
async function assertProcessedOnce(hookflow: TestHookflow, id: string): Promise<void> {
  await eventually(async () => assert.equal((await hookflow.store.get(id))?.status, 'processed', id), 90_000, 250);
  const statuses = (await hookflow.store.get(id))?.statusHistory.map((s) => s.status) ?? [];
  assert.equal(statuses.filter((s) => s === 'processed').length, 1, `history of ${id}: ${statuses.join(', ')}`);
  assert.equal(await runsOf(hookflow, id), 1, `one run of ${id}`);
}

/**
 * The 202 follows the event's durable insert and its pending start; the workflow start comes after
 * the answer (src/temporal/starter.ts). Temporal is reached through a proxy a test can close.
 */
describe('acknowledgement before the workflow start', function () {
  this.timeout(180_000);
  let temporal: TcpProxy;
  let hookflow: TestHookflow;

  before(async function () {
    temporal = await TcpProxy.create(testServices().temporalAddress);
    await temporal.open();
    hookflow = await startTestHookflow({ config: CONFIG, temporalAddress: temporal.address, env: { START_TIMEOUT_MS: '500', RELAY_INTERVAL_MS: '200' } });
    assert.equal(await hookflow.storeReady(), true);
  });
  after(async function () {
    await hookflow?.stop();
    await temporal?.close();
  });

  it('acknowledges while Temporal is unreachable, keeps redeliveries exact before, during and after the start, and processes each event once', async function () {
    await temporal.close();
    const events = Array.from({ length: 5 }, (_, n) => delivery(n));
    for (const event of events) {
      const answer = await send(hookflow, event);
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, { status: 'accepted', eventId: event.id, workflowId: `demo:${event.id}` });
    }
    // Before the start: concurrent redeliveries of every event are duplicates, and record no second start.
    const before = await Promise.all(events.flatMap((event) => Array.from({ length: 6 }, () => send(hookflow, event))));
    assert.deepEqual(new Set(before.map((a) => `${a.status} ${String(a.body.status)}`)), new Set(['200 duplicate']));
    assert.equal(await hookflow.pendingStarts.collection.countDocuments({}), events.length, 'one pending start per event');
    await eventually(async () => assert.equal(await metric(hookflow, 'hookflow_pending_starts'), events.length));
    const first = events[0] as SignedDelivery;
    const conflicting = signStandard(SECRET, JSON.stringify({ type: 'ack.test', data: { other: true } }), first.id);
    assert.equal((await send(hookflow, conflicting)).status, 409, 'the same ID with another body');

    // During the start: Temporal is back, the starter drains its queue while the copies arrive.
    await temporal.open();
    const during = await Promise.all(events.flatMap((event) => [send(hookflow, event), send(hookflow, event)]));
    assert.deepEqual(new Set(during.map((a) => a.status)), new Set([200]));

    for (const event of events) await assertProcessedOnce(hookflow, `demo:${event.id}`);
    // After the start and the run: still a duplicate, or a conflict.
    assert.equal((await send(hookflow, first)).status, 200);
    assert.equal((await send(hookflow, conflicting)).status, 409);
    await eventually(async () => {
      assert.equal(await hookflow.pendingStarts.collection.countDocuments({}), 0, 'nothing left to start');
      assert.equal(await metric(hookflow, 'hookflow_pending_starts'), 0, 'the backlog metric falls to 0');
    });
  });

  it("starts a pending start left by a receiver that died after storing its event (its lease passed)", async function () {
    // What a receiver killed after both writes leaves: the event and its pending start, due now.
    const event = await storeUnstartedEvent(hookflow, 'demo', 0);
    await assertProcessedOnce(hookflow, event._id);
    assert.equal(await hookflow.pendingStarts.collection.countDocuments({ _id: event._id }), 0);
  });

  it('records the start of an event stored without one (the receiver died between the two writes) on its redelivery', async function () {
    const d = delivery(99);
    const receivedAt = new Date();
    // The first delivery's receiver stored the event and died: no pending start, no answer.
    const stored = await hookflow.store.insert(
      {
        source: 'demo',
        provider: 'standard-webhooks',
        eventId: d.id,
        eventType: 'ack.test',
        body: new Binary(Buffer.from(d.body)),
        bodySha256: createHash('sha256').update(d.body).digest('hex'),
        contentType: 'application/json',
        headers: [],
        receivedAt,
      },
      receivedAt,
    );
    assert.equal(stored.kind, 'inserted');
    const again = await send(hookflow, d);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.status, 'duplicate');
    await assertProcessedOnce(hookflow, `demo:${d.id}`);
  });
});

describe('load shedding before the body is read', function () {
  this.timeout(120_000);
  let temporal: TcpProxy;
  let hookflow: TestHookflow;

  before(async function () {
    // Temporal never answers: every event stays waiting for its start.
    temporal = await TcpProxy.create(testServices().temporalAddress);
    hookflow = await startTestHookflow({ config: CONFIG, worker: false, temporalAddress: temporal.address, env: { MAX_PENDING_STARTS: '2', START_TIMEOUT_MS: '500' } });
    assert.equal(await hookflow.storeReady(), true);
  });
  after(async function () {
    await hookflow?.stop();
    await temporal?.close();
  });

  it('answers 503 backlog_full with Retry-After once MAX_PENDING_STARTS events wait, before any body byte is sent, and stores nothing', async function () {
    for (const n of [1, 2]) assert.equal((await send(hookflow, delivery(n))).status, 202);
    const third = delivery(3);
    // A body that never comes: a server that waited for it would never answer.
    const answer = await rawRequest(`${hookflow.url}/webhooks/demo`, {
      headers: { ...third.headers, 'content-length': String(Buffer.byteLength(third.body)) },
      body: new Readable({ read() {} }),
    });
    assert.equal(answer.status, 503, answer.text);
    assert.equal(answer.body.error, 'backlog_full');
    assert.match(String(answer.headers['retry-after']), /^\d+$/);
    assert.equal(answer.bodyEndedBeforeAnswer, false);
    assert.equal((await send(hookflow, third)).status, 503, 'a whole delivery too');
    assert.equal(await hookflow.store.collection.countDocuments({}), 2, 'nothing stored past the bound');
    assert.equal(await metric(hookflow, 'hookflow_webhook_requests_total{source="demo",outcome="unavailable",reason="backlog_full"}'), 2);
  });
});

/**
 * A TCP forwarder to MongoDB whose client-to-server direction can be held: requests sent meanwhile
 * wait, as with a store that has stalled, and go through on release.
 */
class HeldProxy {
  private held = false;
  private readonly waiting: (() => void)[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async create(target: { host: string; port: number }): Promise<HeldProxy> {
    const port = await freePort();
    let proxy: HeldProxy | undefined;
    const server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        proxy?.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => proxy?.sockets.delete(socket));
      }
      client.on('data', (chunk: Buffer) => {
        if (proxy?.held) proxy.waiting.push(() => upstream.write(chunk));
        else upstream.write(chunk);
      });
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    proxy = new HeldProxy(server, port);
    return proxy;
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    for (const write of this.waiting.splice(0)) write();
  }

  /** Breaks every connection open now, dropping what waits on them; new connections are taken as before. */
  cut(): void {
    this.waiting.splice(0);
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('a stalled store', function () {
  this.timeout(120_000);
  let mongo: HeldProxy;
  let hookflow: TestHookflow;

  before(async function () {
    const target = new URL(testServices().mongoUrl);
    mongo = await HeldProxy.create({ host: target.hostname, port: Number(target.port) });
    const config = {
      sources: {
        // Deduplicated by body: the body's claim is a store round trip before the event's insert.
        demo: { provider: 'standard-webhooks', secrets: [SECRET], dedupByBody: true },
        plain: { provider: 'standard-webhooks', secrets: [SECRET] },
      },
    };
    hookflow = await startTestHookflow({
      config,
      worker: false,
      mongoUrl: `mongodb://127.0.0.1:${mongo.port}/?directConnection=true`,
      env: { STORE_SLOW_MS: '300', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
    });
    assert.equal(await hookflow.storeReady(), true);
  });
  after(async function () {
    mongo?.release();
    await hookflow?.stop();
    await mongo?.close();
  });

  it('drops a delivery whose sender hung up while it waited for the store, before the insert', async function () {
    const d = delivery(7);
    const { hostname, port } = new URL(hookflow.url);
    mongo.hold();
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    const head = Object.entries({ ...d.headers, 'content-length': String(Buffer.byteLength(d.body)) }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`POST /webhooks/demo HTTP/1.1\r\nHost: ${hostname}\r\n${head}\r\n${d.body}`);
    // The whole delivery is sent; the receiver now waits on the stalled store. The sender gives up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    mongo.release();
    await eventually(async () =>
      assert.equal(await metric(hookflow, 'hookflow_webhook_requests_total{source="demo",outcome="rejected",reason="sender_gone"}'), 1),
    );
    assert.equal(await hookflow.store.collection.countDocuments({ eventId: d.id }), 0, 'no event stored');
    assert.equal(await hookflow.pendingStarts.collection.countDocuments({}), 0, 'no start recorded');
    // Its provider sends it again, and that copy is stored and acknowledged.
    assert.equal((await send(hookflow, d)).status, 202);
  });

  it('answers 503 store_slow with Retry-After, before the body, while the inserts waiting on the store have taken longer than STORE_SLOW_MS', async function () {
    mongo.hold();
    // Their inserts wait on the stalled store: most of the store's recent writes are now slow.
    const waiting = [delivery(8), delivery(10), delivery(11)].map((d) => post(`${hookflow.url}/webhooks/plain`, d.body, d.headers));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = delivery(9);
    const answer = await rawRequest(`${hookflow.url}/webhooks/plain`, {
      headers: { ...next.headers, 'content-length': String(Buffer.byteLength(next.body)) },
      body: new Readable({ read() {} }),
    });
    mongo.release();
    assert.equal(answer.status, 503, answer.text);
    assert.equal(answer.body.error, 'store_slow');
    assert.match(String(answer.headers['retry-after']), /^\d+$/);
    assert.equal(answer.bodyEndedBeforeAnswer, false);
    assert.deepEqual((await Promise.all(waiting)).map((w) => w.status), [202, 202, 202], 'the slow deliveries themselves are acknowledged');
    // Once the store answers in time again, deliveries are taken again.
    await eventually(async () => assert.equal((await post(`${hookflow.url}/webhooks/plain`, next.body, next.headers)).status, 202));
    assert.equal(await hookflow.store.collection.countDocuments({ eventId: next.id }), 1);
  });

  it('answers 503 store_unavailable with Retry-After, not 500, when the connection breaks under an insert, and stores the delivery sent again', async function () {
    const d = delivery(12);
    mongo.hold();
    const answer = post(`${hookflow.url}/webhooks/plain`, d.body, d.headers);
    await new Promise((resolve) => setTimeout(resolve, 200));
    mongo.cut();
    mongo.release();
    const refused = await answer;
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.body.error, 'store_unavailable');
    assert.match(String(refused.headers.get('retry-after')), /^\d+$/);
    await eventually(async () => {
      const again = await post(`${hookflow.url}/webhooks/plain`, d.body, d.headers);
      assert.equal(again.status, 202, JSON.stringify(again.body));
      // The driver reconnects on its own, or, when its server monitor hangs on the broken connection
      // (it does, now and then), hookflow's MonitorWatchdog reconnects the client after 12 s.
    }, 60_000, 250);
    assert.equal(await hookflow.store.collection.countDocuments({ eventId: d.id }), 1);
  });
});

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { useHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { untilAccepting } from '../helpers/ready';
import { signStandard, standardSecret } from '../helpers/signed-event';

const SECRET = standardSecret('slow-clients-test-secret');
const CONFIG = { sources: { demo: { provider: 'standard-webhooks', secrets: [SECRET] } } };
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
/** Far below the defaults (10 s and 30 s, checked every 30 s), generous for a loaded machine. */
const CUT_WITHIN_MS = 9000;
/** How long a slow client keeps dripping if nobody cuts it off. */
const DRIP_FOR_MS = 25_000;

interface Dripped {
  /** When the server closed the connection, in ms since the first byte. */
  readonly closedAfterMs: number;
  /** What the server wrote before closing. */
  readonly received: string;
}

/**
 * Opens a raw connection, writes `head` at once, then one byte of `drip` every `everyMs`, until the
 * server closes the connection or DRIP_FOR_MS passes.
 */
function slowClient(url: string, head: string, drip: string, everyMs: number): Promise<Dripped> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let received = '';
    let sent = 0;
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      received += text;
    });
    socket.on('error', () => undefined); // a reset is one way of being cut off
    const timer = setInterval(() => {
      if (Date.now() - started > DRIP_FOR_MS) socket.destroy();
      else if (!socket.destroyed) socket.write(drip[sent++ % drip.length] ?? ' ');
    }, everyMs);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - started, received });
    });
    socket.write(head);
  });
}

describe('slow clients are cut off and the server keeps answering', function () {
  this.timeout(120_000);
  const hookflow = useHookflow({
    config: CONFIG,
    worker: false,
    env: { HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) },
    untilAccepting: 'demo',
  });

  async function acceptsAValidDelivery(): Promise<void> {
    const d = signStandard(SECRET, JSON.stringify({ type: 'slow.bystander' }));
    const answer = await post(`${hookflow().url}/webhooks/demo`, d.body, d.headers);
    assert.equal(answer.status, 202);
  }

  it('closes a connection whose headers trickle in (408) after HTTP_HEADERS_TIMEOUT_MS, serving others meanwhile', async function () {
    const { host } = new URL(hookflow().url);
    const slow = Array.from({ length: 20 }, () => slowClient(hookflow().url, `POST /webhooks/demo HTTP/1.1\r\nHost: ${host}\r\n`, 'X-Slow: aaaaaaaa', 200));
    await acceptsAValidDelivery();
    for (const { closedAfterMs, received } of await Promise.all(slow)) {
      assert.ok(closedAfterMs < CUT_WITHIN_MS, `closed after ${closedAfterMs} ms`);
      assert.ok(received === '' || received.startsWith('HTTP/1.1 408'), `answered ${JSON.stringify(received.slice(0, 40))}`);
    }
    await acceptsAValidDelivery();
  });

  it('closes a connection whose body trickles in after HTTP_REQUEST_TIMEOUT_MS, and stores nothing', async function () {
    const d = signStandard(SECRET, JSON.stringify({ type: 'slow.body', pad: 'x'.repeat(200) }));
    const { host } = new URL(hookflow().url);
    const head = Object.entries({ ...d.headers, host, 'content-length': String(Buffer.byteLength(d.body)) })
      .map(([name, value]) => `${name}: ${value}`)
      .join('\r\n');
    const before = await hookflow().store.collection.countDocuments();
    const slow = Array.from({ length: 5 }, () => slowClient(hookflow().url, `POST /webhooks/demo HTTP/1.1\r\n${head}\r\n\r\n`, d.body, 100));
    await acceptsAValidDelivery();
    for (const { closedAfterMs, received } of await Promise.all(slow)) {
      assert.ok(closedAfterMs < CUT_WITHIN_MS, `closed after ${closedAfterMs} ms`);
      assert.ok(!received.startsWith('HTTP/1.1 2'), `a slow body was accepted: ${received.slice(0, 40)}`);
    }
    assert.equal(await hookflow().store.collection.countDocuments(), before + 1, 'only the bystander was stored');
    await acceptsAValidDelivery();
  });
});

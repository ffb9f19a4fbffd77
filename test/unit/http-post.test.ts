import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkReason, postOnce } from '../../src/http-post';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A local destination: records what it receives and answers with `answer`. */
async function destination(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const received: Received[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      answer(req, res);
    });
  });
  server.on('connection', () => (connections += 1));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    return closed;
  };
  return { url, received, connections: () => connections, close };
}

const never = new AbortController().signal;

describe('postOnce(url, headers, body, signal)', function () {
  it('POSTs the body byte for byte with the headers, and returns the status and Retry-After', async function () {
    const dest = await destination((_req, res) => res.writeHead(503, { 'retry-after': '7' }).end('busy'));
    try {
      const body = Buffer.from([0x7b, 0x00, 0xff, 0x7d]);
      const outcome = await postOnce(`${dest.url}/in`, new Headers({ 'content-type': 'application/json', 'x-one': 'a' }), body, never);
      assert.deepEqual(outcome, { status: 503, retryAfter: '7' });
      assert.equal(dest.received.length, 1);
      const [got] = dest.received;
      assert.equal(got?.method, 'POST');
      assert.equal(got?.url, '/in');
      assert.deepEqual(got?.body, body);
      assert.equal(got?.headers['x-one'], 'a');
      assert.equal(got?.headers['content-type'], 'application/json');
    } finally {
      await dest.close();
    }
  });

  it('returns retryAfter undefined when the answer has none', async function () {
    const dest = await destination((_req, res) => res.writeHead(204).end());
    try {
      assert.deepEqual(await postOnce(dest.url, new Headers(), 'x', never), { status: 204, retryAfter: undefined });
    } finally {
      await dest.close();
    }
  });

  it('does not follow a redirect: the 3xx is the answer', async function () {
    const dest = await destination((req, res) => {
      if (req.url === '/first') res.writeHead(307, { location: '/second' }).end();
      else res.writeHead(200).end();
    });
    try {
      const outcome = await postOnce(`${dest.url}/first`, new Headers(), 'x', never);
      assert.deepEqual(outcome, { status: 307, retryAfter: undefined });
      assert.deepEqual(
        dest.received.map((r) => r.url),
        ['/first'],
      );
    } finally {
      await dest.close();
    }
  });

  it('reads off a large answer body so the next POST reuses the connection', async function () {
    const dest = await destination((_req, res) => res.writeHead(200).end(Buffer.alloc(64 * 1024, 0x61)));
    try {
      for (let i = 0; i < 10; i++) assert.equal(((await postOnce(dest.url, new Headers(), 'x', never)) as { status: number }).status, 200);
      assert.equal(dest.received.length, 10);
      // An answer left unread holds its connection: each POST would open a new one.
      assert.ok(dest.connections() <= 2, `${dest.connections()} connections for ten POSTs one after another`);
    } finally {
      await dest.close();
    }
  });

  it('returns the error code, and not the URL, when nothing listens', async function () {
    const dest = await destination((_req, res) => res.end());
    const url = `${dest.url}/secret-token-in-path`;
    await dest.close();
    const outcome = await postOnce(url, new Headers(), 'x', never);
    assert.deepEqual(outcome, { networkError: 'ECONNREFUSED' });
  });

  it('rejects when the signal aborts while the destination has not answered', async function () {
    const dest = await destination(() => {
      /* never answers */
    });
    try {
      const controller = new AbortController();
      const pending = postOnce(dest.url, new Headers(), 'x', controller.signal);
      while (dest.received.length === 0) await new Promise((r) => setTimeout(r, 5));
      controller.abort(new Error('attempt timed out'));
      await assert.rejects(pending);
    } finally {
      await dest.close();
    }
  });
});

describe('networkReason(err)', function () {
  it('is the code of the error itself', function () {
    assert.equal(networkReason(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' })), 'ECONNREFUSED');
  });

  it('is the code of its cause when the error has none', function () {
    assert.equal(networkReason(new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) })), 'ENOTFOUND');
  });

  it("is the error's message when no code is found", function () {
    assert.equal(networkReason(new Error('socket hang up')), 'socket hang up');
    assert.equal(networkReason('plain'), 'plain');
  });
});

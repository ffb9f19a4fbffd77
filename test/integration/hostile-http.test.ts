import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import fc from 'fast-check';
import { eventually } from '../helpers/eventually';
import { useHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { rawRequest } from '../helpers/raw-http';
import { untilAccepting } from '../helpers/ready';
import { signStandard, standardSecret } from '../helpers/signed-event';

const SECRET = standardSecret('hostile-http-test-secret');
const HMAC_SECRET = 'hostile-http-generic-secret';
const LIMIT = 8 * 1024;
const CONFIG = {
  sources: {
    // The default 1 MiB limit: room for deeply nested JSON to reach the parser.
    demo: { provider: 'standard-webhooks', secrets: [SECRET] },
    gh: { provider: 'github', secrets: ['hostile-github-secret'], maxBodyBytes: LIMIT },
    pay: { provider: 'stripe', secrets: ['whsec_hostile_stripe_endpoint_secret_0123'], maxBodyBytes: LIMIT },
    sms: { provider: 'twilio', secrets: ['0f1e2d3c4b5a69788796a5b4c3d2e1f0'], publicUrl: 'https://hooks.example.com/webhooks/sms', maxBodyBytes: LIMIT },
    chat: { provider: 'slack', secrets: ['4d5e6f708192a3b4c5d6e7f8091a2b3c'], maxBodyBytes: LIMIT },
    // The event ID from a body field: where huge numbers and __proto__ keys could matter.
    billing: {
      provider: 'generic-hmac',
      secrets: [HMAC_SECRET],
      options: { header: 'x-signature' },
      eventId: { field: 'data.id' },
    },
    // The same, but the provider's own option names the ID field.
    ledger: { provider: 'generic-hmac', secrets: [HMAC_SECRET], options: { header: 'x-signature', idField: 'data.id' } },
  },
};
const SOURCES = Object.keys(CONFIG.sources);
const RUNS = 150;

/** Characters node:http lets a client put in a header value. */
const headerValue = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 300 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '')),
  fc.stringMatching(/^[0-9a-f]{0,130}$/),
  fc.base64String({ maxLength: 100 }),
  fc.constantFrom('', 'v1,', 'sha256=', 't=1,v1=00', 'v0=', '-1', '1e400', '9'.repeat(40), '{"$gt":""}', '../../etc/passwd'),
);
const headerName = fc.oneof(
  fc.constantFrom(
    'webhook-id',
    'webhook-timestamp',
    'webhook-signature',
    'x-hub-signature-256',
    'x-github-delivery',
    'stripe-signature',
    'x-twilio-signature',
    'x-slack-signature',
    'x-slack-request-timestamp',
    'x-signature',
    '__proto__',
    'constructor',
    'content-encoding',
    'transfer-encoding',
    'expect',
  ),
  fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,40}$/),
);
const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-16',
    'Application/JSON ',
    'application/x-www-form-urlencoded',
    'application/vnd.api+json',
    'text/plain',
    'multipart/form-data; boundary=x',
    '',
    ';',
    'application/',
  ),
  fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '')),
);
const body = fc.oneof(
  fc.uint8Array({ maxLength: 2 * LIMIT }).map((b) => Buffer.from(b)),
  fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s)),
  fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '__proto__[polluted]=1').map((s) => Buffer.from(s)),
);
const path = fc.oneof(
  fc.constantFrom(...SOURCES).map((s) => `/webhooks/${s}`),
  fc.webSegment().map((s) => `/webhooks/${s}`),
  fc.webPath(),
  fc.constantFrom('/webhooks/', '/webhooks', '/webhooks/demo/extra', '/webhooks/%', '/webhooks/%E0%A4%A', '/webhooks/..%2Fdemo', '//webhooks/demo', '/webhooks/demo?x=%ZZ'),
);
const method = fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');

const hostileRequest = fc.record({
  method,
  path,
  contentType,
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 8 }),
  body,
});

/** Deliveries for sources `billing` and `ledger`: generic HMAC over the exact bytes, event ID from data.id. */
function signedBilling(bytes: string | Buffer): { body: Buffer; headers: Record<string, string> } {
  const body = Buffer.from(bytes);
  return { body, headers: { 'content-type': 'application/json', 'x-signature': createHmac('sha256', HMAC_SECRET).update(body).digest('hex') } };
}

/** Writes raw bytes to the server and resolves with the status line's code, or 0 when it just closed. */
function rawBytes(url: string, bytes: Buffer): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('latin1');
    socket.setTimeout(15_000, () => socket.destroy(new Error('no answer within 15 s')));
    socket.on('data', (text: string) => {
      received += text;
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? resolve(0) : reject(err)));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.[01] (\d{3}) /.exec(received)?.[1] ?? 0)));
    socket.end(bytes);
  });
}

describe('hostile input over HTTP', function () {
  this.timeout(120_000);
  const hookflow = useHookflow({ config: CONFIG, worker: false, untilAccepting: 'demo' });
  let accepted = 0;
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  async function assertStillAnswering(): Promise<void> {
    const delivery = signStandard(SECRET, JSON.stringify({ type: 'still.alive', data: { n: accepted } }));
    const answer = await post(`${hookflow().url}/webhooks/demo`, delivery.body, delivery.headers);
    assert.equal(answer.status, 202, 'the server still accepts a valid delivery');
    accepted++;
  }

  afterEach(async function () {
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeys, 'Object.prototype is untouched');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it(`answers ${RUNS} random unsigned requests (methods, paths, headers, content types, bodies) with a 4xx and stores nothing`, async function () {
    const before = await hookflow().store.collection.countDocuments();
    await fc.assert(
      fc.asyncProperty(hostileRequest, async (r) => {
        const headers: Record<string, string> = { ...r.headers, 'content-type': r.contentType };
        // node:http frames the body itself: hostile framing headers are tested with raw bytes below.
        delete headers['transfer-encoding'];
        delete headers['content-length'];
        const answer = await rawRequest(`${hookflow().url}${r.path}`, { method: r.method, headers, body: r.method === 'HEAD' ? undefined : r.body });
        assert.ok(answer.status >= 400 && answer.status < 500, `${r.method} ${r.path} answered ${answer.status} ${JSON.stringify(answer.body)}`);
      }),
      { numRuns: RUNS },
    );
    assert.equal(await hookflow().store.collection.countDocuments(), before, 'no event stored');
    await assertStillAnswering();
  });

  it('answers random bytes on the socket (broken request lines, framing) with a 4xx or a close, prints nothing, and keeps serving', async function () {
    const requestLine = fc.oneof(
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
      fc.constantFrom(
        'POST /webhooks/demo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        'POST /webhooks/demo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
        'POST /webhooks/demo HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n',
        'POST /webhooks/demo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n',
        'GET /webhooks/demo HTTP/9.9\r\n\r\n',
        'POST /webhooks/\u0000demo HTTP/1.1\r\nHost: x\r\n\r\n',
        `POST /webhooks/demo HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      ).map((s) => Buffer.from(s, 'latin1')),
    );
    // Koa prints errors it is not told how to handle to stderr: a sender must not be able to do that.
    const printed: unknown[] = [];
    const realConsoleError = console.error;
    console.error = (...args: unknown[]) => void printed.push(args);
    try {
      await fc.assert(
        fc.asyncProperty(requestLine, async (bytes) => {
          const status = await rawBytes(hookflow().url, bytes);
          assert.ok(status === 0 || (status >= 400 && status < 500), `answered ${status}`);
        }),
        { numRuns: 100 },
      );
      await assertStillAnswering();
    } finally {
      console.error = realConsoleError;
    }
    assert.deepEqual(printed, [], 'nothing printed to stderr');
  });

  it('records a body cut off mid-way (bad chunk, early close) as invalid_body, not as an internal error', async function () {
    const rejections = hookflow().store.collection.db.collection('rejections');
    const before = await rejections.countDocuments({ source: 'demo', reason: 'invalid_body' });
    // Signature headers of the right shape pass the check made before the body, so the body is read.
    const signed = Object.entries(signStandard(SECRET, '{"a":1}').headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const heads = [
      `POST /webhooks/demo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n${signed}\r\n5\r\n{"a":\r\nzz\r\n`,
      `POST /webhooks/demo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n${signed}\r\n{"a":1`,
    ];
    for (const head of heads) await rawBytes(hookflow().url, Buffer.from(head, 'latin1'));
    await eventually(async () => {
      assert.equal(await rejections.countDocuments({ source: 'demo', reason: 'invalid_body' }), before + heads.length);
    });
    await assertStillAnswering();
  });

  it('accepts or refuses (400) signed JSON nested 100,000 levels deep, without a crash', async function () {
    for (const [open, close] of [
      ['[', ']'],
      ['{"a":', '}'],
    ] as const) {
      const text = `{"type":"deep","data":${open.repeat(100_000)}1${close.repeat(100_000)}}`;
      const delivery = signStandard(SECRET, text);
      const answer = await post(`${hookflow().url}/webhooks/demo`, delivery.body, delivery.headers);
      assert.ok([202, 400].includes(answer.status), `answered ${answer.status} ${JSON.stringify(answer.body)}`);
      if (answer.status === 202) accepted++;
    }
    await assertStillAnswering();
  });

  it('takes __proto__ and constructor keys as plain data: nothing polluted, the ID rule reads own keys only', async function () {
    // Written by hand: an object literal's __proto__ would set a prototype, not a key.
    const texts = [
      '{"type":"x","__proto__":{"polluted":true},"data":{"__proto__":{"id":"from-proto"}}}',
      '{"type":"x","constructor":{"prototype":{"polluted":true}},"data":{"constructor":{"id":"c"}}}',
    ];
    for (const d of texts.map(signedBilling)) {
      const answer = await post(`${hookflow().url}/webhooks/billing`, d.body, d.headers);
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      accepted++;
      assert.match(String(answer.body.eventId), /^[0-9a-f]{64}$/, 'no own data.id: the body hash stands in');
    }
  });

  for (const source of ['billing', 'ledger']) {
    it(`handles huge numbers (${source}): an ID of 1e400, 2^70 or 1.5 is no ID, the event still dedups by body`, async function () {
      for (const raw of ['1e400', '1180591620717411303424', '1180591620717411303423', '1.5']) {
        const d = signedBilling(`{"type":"n","data":{"id":${raw}}}`);
        const first = await post(`${hookflow().url}/webhooks/${source}`, d.body, d.headers);
        assert.equal(first.status, 202, `${raw}: ${JSON.stringify(first.body)}`);
        accepted++;
        assert.match(String(first.body.eventId), /^[0-9a-f]{64}$/, `${raw} is not taken as an event ID`);
        const again = await post(`${hookflow().url}/webhooks/${source}`, d.body, d.headers);
        assert.equal(again.status, 200);
      }
      const safe = signedBilling(`{"type":"n","data":{"id":9007199254740991}}`);
      const answer = await post(`${hookflow().url}/webhooks/${source}`, safe.body, safe.headers);
      assert.equal(answer.body.eventId, '9007199254740991', 'a safe integer is an ID');
      accepted++;
    });
  }

  it('refuses signed bodies that are not UTF-8 or not JSON with 400 and stores none of them', async function () {
    const before = await hookflow().store.collection.countDocuments();
    const bad = [
      Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
      Buffer.from([0x7b, 0xc3, 0x28, 0x7d]),
      Buffer.from('{"a":1'),
      Buffer.from([0]),
    ];
    for (const bytes of bad) {
      const d = signedBilling(bytes);
      const answer = await rawRequest(`${hookflow().url}/webhooks/billing`, { headers: d.headers, body: d.body });
      assert.equal(answer.status, 400, `${bytes.toString('hex')}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error, 'invalid_body');
    }
    assert.equal(await hookflow().store.collection.countDocuments(), before);
  });

  it('stored exactly the deliveries that were accepted', async function () {
    assert.equal(await hookflow().store.collection.countDocuments(), accepted);
  });
});

import assert from 'node:assert/strict';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { parseConfig } from '../../src/config/sources';
import { createReceiverApp } from '../../src/receiver/app';
import { BodyBudget } from '../../src/receiver/body-budget';
import { LoadShedding } from '../../src/receiver/load-shedding';
import { EventStore } from '../../src/store/events';
import { PendingStartStore } from '../../src/store/pending-starts';
import { createTemporalClient } from '../../src/temporal/client';
import { EventStarter } from '../../src/temporal/starter';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { eventually } from '../helpers/eventually';
import { post, type Answer } from '../helpers/http';
import { rawRequest, rawSocketStatus, type RawAnswer } from '../helpers/raw-http';
import { untilAccepting } from '../helpers/ready';
import { testServices } from '../setup/root-hooks';

/**
 * Every answer of the receiver through the real HTTP server. Sources use generic-hmac (hex
 * HMAC-SHA256 of the body in X-Signature, signed here with node:crypto) so signing stays out of the
 * way; the providers themselves are covered in providers-http.test.ts.
 */

const SECRET = 'answers-secret-4f3e2d1c0b9a';
const GLOBAL_LIMIT = 64 * 1024;
const SMALL_LIMIT = 1024;
const ROOMY_LIMIT = 256 * 1024;
/** All bodies in progress together: room for one at the roomy limit, and little else. */
const BUFFERED_LIMIT = ROOMY_LIMIT + 32 * 1024;

/** A generic-hmac source; by default the provider takes the event ID from X-Event-Id, which is signed. */
function generic(extra: Record<string, unknown> = {}, options: Record<string, unknown> = { idHeader: 'X-Event-Id', signed: '{id}.{body}' }): unknown {
  return { provider: 'generic-hmac', secrets: [SECRET], options: { header: 'X-Signature', typeField: 'type', ...options }, ...extra };
}

const CONFIG = {
  sources: {
    main: generic(),
    small: generic({ maxBodyBytes: SMALL_LIMIT }),
    roomy: generic({ maxBodyBytes: ROOMY_LIMIT }),
    'by-header': generic({ eventId: { header: 'X-Delivery-Ref' } }),
    'by-field': generic({ eventId: { field: 'data.ref' } }, {}),
    // Neither the provider nor the source names an event ID.
    'no-id': generic({}, {}),
  },
};

/** The signature over `<eventId>.<body>`, or over the body alone when there is no event ID. */
function signature(body: string | Buffer, eventId: string | null = null): string {
  return createHmac('sha256', SECRET)
    .update(eventId === null ? '' : `${eventId}.`)
    .update(body)
    .digest('hex');
}

/** Headers of a validly signed JSON delivery with event ID `eventId` in X-Event-Id (none when null). */
function signed(body: string | Buffer, eventId: string | null = randomUUID()): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-signature': signature(body, eventId),
    ...(eventId === null ? {} : { 'x-event-id': eventId }),
  };
}

function json(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'thing.happened', ...fields });
}

/** A JSON body of exactly `size` bytes. */
function jsonOfSize(size: number): string {
  const empty = json({ pad: '' });
  assert.ok(size >= empty.length);
  return json({ pad: 'x'.repeat(size - empty.length) });
}

function sha256(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** A request body that produces 16 KiB chunks for as long as it is read, and never ends. */
function endlessBody(): Readable {
  const chunk = Buffer.alloc(16 * 1024, 0x20);
  return new Readable({
    read() {
      this.push(chunk);
    },
  });
}

/** A request body that sends nothing and never ends. */
function silentBody(): Readable {
  return new Readable({ read() {} });
}

interface HeaderOnlyUpload {
  readonly socket: Socket;
  /** Resolves once the receiver answered anything, a `100 Continue` included: it has taken the head. */
  readonly headTaken: Promise<void>;
}

/** A POST whose head is sent and whose body never is; the socket stays open until destroyed. */
function headerOnlyUpload(url: string, headers: Record<string, string>): HeaderOnlyUpload {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  const lines = Object.entries({ host: hostname, ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`POST ${pathname} HTTP/1.1\r\n${lines.join('')}\r\n`);
  const headTaken = new Promise<void>((resolve, reject) => {
    socket.once('data', () => resolve());
    socket.once('close', () => reject(new Error('closed before any answer')));
  });
  return { socket, headTaken };
}

function assertAnswer(answer: Answer | RawAnswer, status: number, error: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.error, error);
}

describe('answers of the receiver through the real HTTP server', function () {
  let hookflow: TestHookflow;
  let webhooks: string;

  before(async function () {
    hookflow = await startTestHookflow({
      config: CONFIG,
      worker: false,
      env: { MAX_BODY_BYTES: String(GLOBAL_LIMIT), MAX_BUFFERED_BODY_BYTES: String(BUFFERED_LIMIT) },
    });
    webhooks = `${hookflow.url}/webhooks`;
    await untilAccepting(hookflow.url, 'main');
  });
  after(async function () {
    await hookflow?.stop();
  });

  const count = (): Promise<number> => hookflow.store.collection.countDocuments();

  /** Runs `send`, asserts its status and error reason, and that no document was added. */
  async function assertRefused<A extends Answer | RawAnswer>(send: () => Promise<A>, status: number, error: string): Promise<A> {
    const before = await count();
    const answer = await send();
    assertAnswer(answer, status, error);
    assert.equal(await count(), before, 'a refused delivery must not be stored');
    return answer;
  }

  async function assertAccepted(source: string, body: string | Buffer, headers: Record<string, string>, eventId: string): Promise<void> {
    const answer = await post(`${webhooks}/${source}`, body, headers);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.eventId, eventId);
    assert.equal(answer.body.workflowId, `${source}:${eventId}`);
    const stored = await hookflow.store.get(`${source}:${eventId}`);
    assert.ok(stored, 'accepted event is stored');
    assert.equal(stored.eventId, eventId);
  }

  describe('202 accepted', function () {
    it('answers a signed JSON delivery 202 with its event and workflow IDs', async function () {
      const id = randomUUID();
      const body = json();
      const answer = await post(`${webhooks}/main`, body, signed(body, id));
      assert.equal(answer.status, 202);
      assert.equal(answer.body.status, 'accepted');
      assert.equal(answer.body.eventId, id);
      assert.equal(answer.body.workflowId, `main:${id}`);
      assert.equal((await hookflow.store.get(`main:${id}`))?.eventType, 'thing.happened');
    });
  });

  describe('404 unknown source', function () {
    it('answers a signed POST to an unknown source 404 unknown_source, nothing stored', async function () {
      const body = json();
      await assertRefused(() => post(`${webhooks}/nope`, body, signed(body)), 404, 'unknown_source');
    });

    it('answers a GET to an unknown source 404, not 405: an unknown source is not revealed by its method', async function () {
      await assertRefused(() => rawRequest(`${webhooks}/nope`, { method: 'GET' }), 404, 'unknown_source');
    });

    it('matches source names exactly: /webhooks/MAIN is unknown', async function () {
      const body = json();
      await assertRefused(() => post(`${webhooks}/MAIN`, body, signed(body)), 404, 'unknown_source');
    });
  });

  describe('the source segment is percent-decoded before it names a source', function () {
    const encodedMain = '/webhooks/%6Dain';

    it('takes a signed delivery to /webhooks/%6Dain as one to main', async function () {
      const body = json();
      const id = randomUUID();
      const answer = await rawRequest(webhooks, { path: encodedMain, headers: signed(body, id), body });
      assert.equal(answer.status, 202, answer.text);
      assert.equal(answer.body.workflowId, `main:${id}`);
      assert.ok(await hookflow.store.get(`main:${id}`), 'stored under main');
    });

    it("still checks main's signature there: a wrong one is 401 invalid_signature, nothing stored", async function () {
      const body = json();
      await assertRefused(
        () => rawRequest(webhooks, { path: encodedMain, headers: { ...signed(body), 'x-signature': signature('another body') }, body }),
        401,
        'invalid_signature',
      );
    });
  });

  describe('405 method not allowed', function () {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      it(`answers ${method} on a webhook URL 405 method_not_allowed with Allow: POST, nothing stored`, async function () {
        const body = json();
        const res = await assertRefused(
          () => rawRequest(`${webhooks}/main`, { method, headers: method === 'GET' ? {} : signed(body), body: method === 'GET' ? undefined : body }),
          405,
          'method_not_allowed',
        );
        assert.equal(res.headers.allow, 'POST');
      });
    }
  });

  describe('415 unsupported media type', function () {
    it('answers a signed text/plain body 415 unsupported_media_type, nothing stored', async function () {
      const body = json();
      await assertRefused(
        () => post(`${webhooks}/main`, body, { ...signed(body), 'content-type': 'text/plain' }),
        415,
        'unsupported_media_type',
      );
    });

    it('answers a signed body without Content-Type 415 unsupported_media_type, nothing stored', async function () {
      const body = json();
      const { 'content-type': _dropped, ...headers } = signed(body);
      await assertRefused(() => rawRequest(`${webhooks}/main`, { headers, body }), 415, 'unsupported_media_type');
    });

    it('accepts Application/JSON; charset=utf-8 (media types are case-insensitive, parameters ignored)', async function () {
      const id = randomUUID();
      const body = json();
      await assertAccepted('main', body, { ...signed(body, id), 'content-type': 'Application/JSON; charset=utf-8' }, id);
    });

    it('accepts a structured +json media type (application/cloudevents+json)', async function () {
      const id = randomUUID();
      const body = json();
      await assertAccepted('main', body, { ...signed(body, id), 'content-type': 'application/cloudevents+json' }, id);
    });
  });

  describe('413 payload too large', function () {
    it('answers a Content-Length over the limit 413 payload_too_large before any of the body is sent', async function () {
      // A server that waited for the body would never answer: fail fast instead of at the suite's timeout.
      this.timeout(10_000);
      const res = await assertRefused(
        () => rawRequest(`${webhooks}/main`, {
          headers: { ...signed('{}'), 'content-length': String(GLOBAL_LIMIT + 1) },
          body: silentBody(),
        }),
        413,
        'payload_too_large',
      );
      assert.equal(res.bodyEndedBeforeAnswer, false);
    });

    it('answers a chunked body (no Content-Length) 413 payload_too_large while it is still being sent', async function () {
      this.timeout(10_000);
      // The body never ends: only a server that stops reading at the limit can answer at all.
      const res = await assertRefused(
        () => rawRequest(`${webhooks}/main`, { headers: signed('{}'), body: endlessBody() }),
        413,
        'payload_too_large',
      );
      assert.equal(res.bodyEndedBeforeAnswer, false);
    });

    it('answers a chunked body one byte over the limit 413, and accepts one exactly at the limit', async function () {
      const over = jsonOfSize(GLOBAL_LIMIT + 1);
      await assertRefused(
        () => rawRequest(`${webhooks}/main`, { headers: signed(over), body: Readable.from([Buffer.from(over)]) }),
        413,
        'payload_too_large',
      );
      const id = randomUUID();
      const exact = jsonOfSize(GLOBAL_LIMIT);
      const res = await rawRequest(`${webhooks}/main`, { headers: signed(exact, id), body: Readable.from([Buffer.from(exact)]) });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal(res.body.eventId, id);
    });

    it("a source's smaller maxBodyBytes refuses what the global limit allows", async function () {
      const body = jsonOfSize(SMALL_LIMIT + 1);
      await assertRefused(() => post(`${webhooks}/small`, body, signed(body)), 413, 'payload_too_large');
      const id = randomUUID();
      await assertAccepted('main', body, signed(body, id), id);
    });

    it("a source's larger maxBodyBytes accepts what the global limit refuses", async function () {
      const body = jsonOfSize(GLOBAL_LIMIT * 2);
      await assertRefused(() => post(`${webhooks}/main`, body, signed(body)), 413, 'payload_too_large');
      const id = randomUUID();
      await assertAccepted('roomy', body, signed(body, id), id);
    });
  });

  describe('401 before the body', function () {
    it('answers a request without a signature header 401 missing_signature before any of its body is sent, closing the connection', async function () {
      // A server that waited for the body would never answer: fail fast instead of at the suite's timeout.
      this.timeout(10_000);
      const { 'x-signature': _dropped, ...unsigned } = signed('{}');
      const res = await assertRefused(
        () => rawRequest(`${webhooks}/main`, { headers: { ...unsigned, 'content-length': String(GLOBAL_LIMIT) }, body: silentBody() }),
        401,
        'missing_signature',
      );
      assert.equal(res.bodyEndedBeforeAnswer, false);
      assert.equal(res.headers.connection, 'close');
    });

    it('lets a sender that goes on writing before it reads still read its 401: the close is staged', async function () {
      const { hostname, port } = new URL(webhooks);
      const socket = connect(Number(port), hostname);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await once(socket, 'connect');
      let failed: string | undefined;
      socket.on('error', (err: NodeJS.ErrnoException) => (failed = err.code));
      socket.write(`POST /webhooks/main HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${GLOBAL_LIMIT}\r\n\r\n`);
      // The 401 comes back meanwhile; a server that closed at once answers these writes with a reset,
      // and the second one fails, throwing away the 401 not yet read.
      await sleep(300);
      socket.write(Buffer.alloc(16 * 1024, 0x20));
      await sleep(200);
      socket.write(Buffer.alloc(16 * 1024, 0x20));
      await sleep(200);
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (text: string) => (received += text));
      await closed;
      assert.match(received, /^HTTP\/1\.1 401 .*\r\nconnection: close\r\n/is, `received ${JSON.stringify(received.slice(0, 60))}, error ${failed}`);
    });

    it('answers a signature header that is not hex 401 malformed_signature before any of the body is sent', async function () {
      this.timeout(10_000);
      const res = await assertRefused(
        () => rawRequest(`${webhooks}/main`, {
          headers: { ...signed('{}'), 'x-signature': 'not-hex', 'content-length': String(GLOBAL_LIMIT) },
          body: silentBody(),
        }),
        401,
        'malformed_signature',
      );
      assert.equal(res.bodyEndedBeforeAnswer, false);
    });
  });

  describe('503 receiver busy', function () {
    it('answers 503 receiver_busy with Retry-After while the bodies in progress would pass MAX_BUFFERED_BODY_BYTES, and accepts the delivery once they are done', async function () {
      this.timeout(10_000);
      const body = json({ pad: 'x'.repeat(40 * 1024) });
      // A signed upload to `roomy` that sends all of its body but the last byte holds that much of the budget.
      const held = new Readable({ read() {} });
      held.push(Buffer.alloc(ROOMY_LIMIT - 1, 0x20));
      const holding = rawRequest(`${webhooks}/roomy`, {
        headers: { ...signed('{}'), 'content-length': String(ROOMY_LIMIT) },
        body: held,
      });
      try {
        // Until the held upload is in, a probe is read whole and refused 401 (its signature is wrong).
        await eventually(async () => {
          const res = await assertRefused(
            () => rawRequest(`${webhooks}/main`, { headers: { ...signed(body), 'x-signature': signature('another body') }, body }),
            503,
            'receiver_busy',
          );
          assert.match(String(res.headers['retry-after']), /^\d+$/);
        }, 5000);
      } finally {
        // The held upload ends (refused 401: its signature is for another body), and gives its share back.
        held.push(Buffer.alloc(1, 0x20));
        held.push(null);
        await holding;
      }
      const id = randomUUID();
      await eventually(() => assertAccepted('main', body, signed(body, id), id), 5000);
    });

    it('still accepts a signed delivery while 70 uploads with well-formed wrong signatures declare large bodies and send none', async function () {
      this.timeout(10_000);
      // Nine such declarations fill MAX_BUFFERED_BODY_BYTES to the byte; 70 declare far more, but send nothing.
      const declared = BUFFERED_LIMIT / 9;
      const uploads = Array.from({ length: 70 }, () => headerOnlyUpload(`${webhooks}/main`, {
        ...signed('another body'),
        'content-length': String(declared),
        // The receiver answers 100 Continue once it has taken the request's head: then it is counted, if ever.
        expect: '100-continue',
      }));
      try {
        await Promise.all(uploads.map((upload) => upload.headTaken));
        const body = json();
        const id = randomUUID();
        await assertAccepted('main', body, signed(body, id), id);
      } finally {
        for (const upload of uploads) upload.socket.destroy();
      }
    });
  });

  describe('400 invalid body', function () {
    it('answers a verified body that is not JSON 400 invalid_body, nothing stored', async function () {
      const body = '{"type": "truncated';
      await assertRefused(() => post(`${webhooks}/main`, body, signed(body)), 400, 'invalid_body');
    });

    it('answers a verified JSON body with invalid UTF-8 400 invalid_body, nothing stored', async function () {
      const body = Buffer.concat([Buffer.from('{"type":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      await assertRefused(() => post(`${webhooks}/main`, body, signed(body)), 400, 'invalid_body');
    });

    it('answers a verified form body with invalid UTF-8 400 invalid_body, nothing stored', async function () {
      const body = Buffer.concat([Buffer.from('type=a&name='), Buffer.from([0xff, 0xfe])]);
      const headers = { ...signed(body), 'content-type': 'application/x-www-form-urlencoded' };
      await assertRefused(() => post(`${webhooks}/main`, body, headers), 400, 'invalid_body');
    });
  });

  describe('200 duplicate and 409 conflict', function () {
    it('answers a redelivery 200 duplicate with the same IDs, and keeps one document', async function () {
      const id = randomUUID();
      const body = json();
      const first = await post(`${webhooks}/main`, body, signed(body, id));
      const second = await post(`${webhooks}/main`, body, signed(body, id));
      assert.equal(first.status, 202);
      assert.equal(second.status, 200);
      assert.deepEqual(second.body, { status: 'duplicate', eventId: id, workflowId: `main:${id}` });
      assert.equal(await hookflow.store.collection.countDocuments({ source: 'main', eventId: id }), 1);
    });

    it('answers the same event ID with a different body 409 event_id_conflict, and leaves the original unchanged', async function () {
      const id = randomUUID();
      const original = json({ n: 1 });
      assert.equal((await post(`${webhooks}/main`, original, signed(original, id))).status, 202);
      const before = await hookflow.store.get(`main:${id}`);
      assert.ok(before);

      const other = json({ n: 2 });
      await assertRefused(() => post(`${webhooks}/main`, other, signed(other, id)), 409, 'event_id_conflict');
      const after = await hookflow.store.get(`main:${id}`);
      assert.ok(after);
      assert.equal(Buffer.from(after.body.buffer).toString('utf8'), original);
      assert.equal(after.bodySha256, sha256(original));
      assert.deepEqual(after.receivedAt, before.receivedAt);
      assert.deepEqual(after.headers, before.headers);
    });
  });

  describe("event ID from a source's eventId rule", function () {
    it('{ header } takes the ID from that header, over the provider\'s own rule', async function () {
      const ref = `ref-${randomUUID()}`;
      const body = json({ ref });
      await assertAccepted('by-header', body, { ...signed(body, 'provider-id-ignored'), 'x-delivery-ref': ref }, ref);
    });

    it('{ header } falls back to the provider\'s rule when the header is absent', async function () {
      const id = randomUUID();
      const body = json({ id });
      await assertAccepted('by-header', body, signed(body, id), id);
    });

    it('{ field } takes the ID from that body field', async function () {
      const ref = `ref-${randomUUID()}`;
      const body = json({ data: { ref } });
      await assertAccepted('by-field', body, signed(body, null), ref);
    });

    it('{ field } takes a whole number as its decimal text', async function () {
      const ref = Math.floor(Math.random() * 1e12);
      const body = json({ data: { ref } });
      await assertAccepted('by-field', body, signed(body, null), String(ref));
    });

    // Regression: "\ud800" and "\udbff" were both stored as U+FFFD, so the second was refused as a 409
    // conflict, and the 202's workflow ID (with the lone surrogate) was never started by that name.
    it('{ field } refuses an ID with a lone surrogate 400 invalid_body, nothing stored', async function () {
      const body = `{"type": "thing.happened", "data": {"ref": "ref-${randomUUID()}-\\ud800"}}`;
      await assertRefused(() => post(`${webhooks}/by-field`, body, signed(body, null)), 400, 'invalid_body');
    });

    it('{ field } accepts an ID with a character outside the BMP (a well-formed surrogate pair)', async function () {
      const ref = `ref-${randomUUID()}-\u{1f600}`;
      const body = json({ data: { ref } });
      await assertAccepted('by-field', body, signed(body, null), ref);
    });
  });

  describe('no event ID at all', function () {
    it('uses the SHA-256 of the raw body, and a redelivery is answered 200 duplicate', async function () {
      const body = json({ nonce: randomUUID() });
      const id = sha256(body);
      await assertAccepted('no-id', body, signed(body, null), id);
      const again = await post(`${webhooks}/no-id`, body, signed(body, null));
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, { status: 'duplicate', eventId: id, workflowId: `no-id:${id}` });
      assert.equal(await hookflow.store.collection.countDocuments({ source: 'no-id', eventId: id }), 1);
    });
  });

  describe('malformed input never yields a 5xx', function () {
    const body = json();

    interface Malformed {
      readonly title: string;
      readonly status: number;
      /** The JSON reason; undefined where Node's HTTP parser refuses the request before hookflow sees it. */
      readonly error: string | undefined;
      readonly send: () => Promise<Answer | RawAnswer | number>;
    }

    /** The valid signed delivery to `main` with some headers replaced (sent as given, Latin-1 included). */
    const changed = (headers: Record<string, string | string[]>, method = 'POST') => (): Promise<RawAnswer> =>
      rawRequest(`${webhooks}/main`, { method, headers: { ...signed(body), ...headers }, body });
    /** The valid signed delivery sent to another path under /webhooks. */
    const at = (path: string) => (): Promise<Answer> => post(`${webhooks}/${path}`, body, signed(body));
    /** Header lines node:http would refuse to send, written to the socket as they are. */
    const socket = (lines: string, rest = '{}') => (): Promise<number> =>
      rawSocketStatus(webhooks, `POST /webhooks/main HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${lines}\r\n\r\n${rest}`);

    const rows: readonly Malformed[] = [
      { title: 'a source name with broken percent-encoding', status: 404, error: 'unknown_source', send: at('%E0%A4%A') },
      { title: 'a source name with an encoded NUL', status: 404, error: 'unknown_source', send: at('main%00') },
      { title: 'a source named __proto__', status: 404, error: 'unknown_source', send: at('__proto__') },
      { title: 'a 4000-character source name', status: 404, error: 'unknown_source', send: at('a'.repeat(4000)) },
      {
        title: 'PATCH with a garbage Content-Type and signature',
        status: 405,
        error: 'method_not_allowed',
        send: changed({ 'content-type': ';;;', 'x-signature': '\u00ff\u00fe' }, 'PATCH'),
      },
      { title: 'OPTIONS without any header', status: 405, error: 'method_not_allowed', send: () => rawRequest(`${webhooks}/main`, { method: 'OPTIONS' }) },
      { title: 'Content-Type ";;;"', status: 415, error: 'unsupported_media_type', send: changed({ 'content-type': ';;;' }) },
      { title: 'Content-Type "application/json/extra"', status: 415, error: 'unsupported_media_type', send: changed({ 'content-type': 'application/json/extra' }) },
      { title: 'a Content-Type of Latin-1 bytes', status: 415, error: 'unsupported_media_type', send: changed({ 'content-type': '\u00ff\u00fe/\u00e9' }) },
      {
        title: 'an 18-digit Content-Length',
        status: 413,
        error: 'payload_too_large',
        send: () => rawRequest(`${webhooks}/main`, { headers: { ...signed(body), 'content-length': '9'.repeat(18) }, body: silentBody() }),
      },
      { title: 'a 30-digit Content-Length (past 64 bits)', status: 400, error: undefined, send: socket(`Content-Length: ${'9'.repeat(30)}`) },
      { title: 'a non-numeric Content-Length', status: 400, error: undefined, send: socket('Content-Length: abc') },
      {
        title: 'Content-Length together with chunked Transfer-Encoding',
        status: 400,
        error: undefined,
        send: socket('Content-Length: 2\r\nTransfer-Encoding: chunked', '2\r\n{}\r\n0\r\n\r\n'),
      },
      { title: 'a signature of Latin-1 bytes', status: 401, error: 'malformed_signature', send: changed({ 'x-signature': '\u00e9\u00ff'.repeat(32) }) },
      { title: 'an 8 KiB signature', status: 401, error: 'invalid_signature', send: changed({ 'x-signature': 'ab'.repeat(4096) }) },
      { title: 'an empty signature', status: 401, error: 'missing_signature', send: changed({ 'x-signature': '' }) },
      {
        title: 'two wrong signature headers',
        status: 401,
        error: 'invalid_signature',
        send: changed({ 'x-signature': [signature('other'), signature('another')] }),
      },
      { title: 'an event ID with a tab in it', status: 400, error: 'invalid_body', send: changed(signed(body, 'evt\t1')) },
      { title: 'a 201-character event ID', status: 400, error: 'invalid_body', send: changed(signed(body, 'e'.repeat(201))) },
    ];

    for (const row of rows) {
      it(`answers ${row.title} with ${row.status}${row.error ? ` ${row.error}` : ''}, nothing stored`, async function () {
        const before = await count();
        const res = await row.send();
        const status = typeof res === 'number' ? res : res.status;
        assert.ok(status < 500, `5xx for ${row.title}`);
        assert.equal(status, row.status, typeof res === 'number' ? undefined : JSON.stringify(res.body));
        if (row.error !== undefined && typeof res !== 'number') assert.equal(res.body.error, row.error);
        assert.equal(await count(), before);
      });
    }
  });
});

/** A TCP port nothing listens on: bound, read and released. */
async function closedPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  assert.ok(address && typeof address === 'object');
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return address.port;
}

describe('answers of the receiver when MongoDB is unreachable', function () {
  let server: Server | undefined;
  let webhooks: string;
  let mongo: MongoClient | undefined;
  let temporal: Client | undefined;

  // service.ts creates the indexes at start-up, which cannot succeed here: build the receiver
  // directly, with a store on a closed port and a lazy Temporal client to the real server.
  before(async function () {
    const services = testServices();
    mongo = new MongoClient(`mongodb://127.0.0.1:${await closedPort()}`, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    temporal = createTemporalClient({ address: services.temporalAddress }, services.temporalNamespace);
    const config = parseConfig(
      { sources: { main: generic() } },
      { defaultMaxBodyBytes: GLOBAL_LIMIT, baseDir: process.cwd(), label: 'test config' },
    );
    const db = mongo.db('hookflow_unreachable');
    const logger = pino({ level: 'silent' });
    const starter = new EventStarter({
      pendingStarts: new PendingStartStore(db),
      temporal,
      taskQueue: `hookflow-test-${randomUUID()}`,
      startTimeoutMs: 2000,
      concurrency: 4,
      maxQueued: 100,
      leaseMs: 30_000,
      recountMs: 60_000,
      logger,
    });
    const app = createReceiverApp({
      config,
      store: new EventStore(db),
      starter,
      loadShedding: new LoadShedding({ maxPendingStarts: 100, storeSlowMs: 60_000, backlog: () => starter.backlog() }),
      logger,
      bodyBudget: new BodyBudget(GLOBAL_LIMIT),
    });
    const listening = createServer(app.callback());
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const address = listening.address();
    assert.ok(address && typeof address === 'object');
    webhooks = `http://127.0.0.1:${address.port}/webhooks`;
  });
  after(async function () {
    const listening = server;
    if (listening) await new Promise<void>((resolve) => listening.close(() => resolve()));
    await mongo?.close();
    await temporal?.connection.close();
  });

  it('answers a valid delivery 503 store_unavailable with Retry-After, and starts no workflow', async function () {
    const id = randomUUID();
    const body = json();
    const answer = await post(`${webhooks}/main`, body, signed(body, id));
    assertAnswer(answer, 503, 'store_unavailable');
    assert.match(answer.headers.get('retry-after') ?? '', /^\d+$/);
    assert.ok(temporal);
    await assert.rejects(temporal.workflow.getHandle(`main:${id}`).describe(), WorkflowNotFoundError);
  });

  it('still answers a bad signature 401 invalid_signature: verification comes before the store', async function () {
    const body = json();
    const answer = await post(`${webhooks}/main`, body, { ...signed(body), 'x-signature': signature('other') });
    assertAnswer(answer, 401, 'invalid_signature');
  });
});

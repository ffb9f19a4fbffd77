import assert from 'node:assert/strict';
import { networkReason, postOnce } from '../../src/http-post';
import { answer, Destination } from '../helpers/destination';
import { standardSecret } from '../helpers/signed-event';

const never = new AbortController().signal;
/** The destination verifies Standard Webhooks signatures; these POSTs carry none, which is fine here. */
const SECRET = standardSecret('http-post');

describe('postOnce(url, headers, body, signal)', function () {
  it('POSTs the body byte for byte with the headers, and returns the status and Retry-After', async function () {
    const dest = await Destination.start(SECRET, () => ({ status: 503, headers: { 'retry-after': '7' }, body: Buffer.from('busy') }));
    try {
      const body = Buffer.from([0x7b, 0x00, 0xff, 0x7d]);
      const outcome = await postOnce(dest.url, new Headers({ 'content-type': 'application/json', 'x-one': 'a' }), body, never);
      assert.deepEqual(outcome, { status: 503, retryAfter: '7' });
      assert.equal(dest.requests.length, 1);
      const [got] = dest.requests;
      assert.equal(got?.method, 'POST');
      assert.deepEqual(got?.body, body);
      assert.equal(got?.headers['x-one'], 'a');
      assert.equal(got?.headers['content-type'], 'application/json');
    } finally {
      await dest.close();
    }
  });

  it('returns retryAfter undefined when the answer has none', async function () {
    const dest = await Destination.start(SECRET, answer(204));
    try {
      assert.deepEqual(await postOnce(dest.url, new Headers(), 'x', never), { status: 204, retryAfter: undefined });
    } finally {
      await dest.close();
    }
  });

  it('does not follow a redirect: the 3xx is the answer', async function () {
    const dest = await Destination.start(SECRET, (index) => (index === 0 ? { status: 307, headers: { location: '/elsewhere' } } : { status: 200 }));
    try {
      const outcome = await postOnce(dest.url, new Headers(), 'x', never);
      assert.deepEqual(outcome, { status: 307, retryAfter: undefined });
      assert.equal(dest.requests.length, 1, 'nothing was sent to the redirect target');
    } finally {
      await dest.close();
    }
  });

  it('reads off a large answer body so the next POST reuses the connection', async function () {
    const dest = await Destination.start(SECRET, () => ({ status: 200, body: Buffer.alloc(64 * 1024, 0x61) }));
    try {
      for (let i = 0; i < 10; i++) assert.equal(((await postOnce(dest.url, new Headers(), 'x', never)) as { status: number }).status, 200);
      assert.equal(dest.requests.length, 10);
      // An answer left unread holds its connection: each POST would open a new one.
      assert.ok(dest.connections <= 2, `${dest.connections} connections for ten POSTs one after another`);
    } finally {
      await dest.close();
    }
  });

  it('returns the error code, and not the URL, when nothing listens', async function () {
    const dest = await Destination.start(SECRET, answer(200));
    const url = `${dest.url}/secret-token-in-path`;
    await dest.close();
    const outcome = await postOnce(url, new Headers(), 'x', never);
    assert.deepEqual(outcome, { networkError: 'ECONNREFUSED' });
  });

  it('rejects when the signal aborts while the destination has not answered', async function () {
    const dest = await Destination.start(SECRET, () => 'hang');
    try {
      const controller = new AbortController();
      const pending = postOnce(dest.url, new Headers(), 'x', controller.signal);
      while (dest.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
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

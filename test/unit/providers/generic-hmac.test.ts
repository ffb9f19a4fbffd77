import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { genericHmac, type GenericHmacOptions } from '../../../src/providers/generic-hmac';
import type { WebhookRequest } from '../../../src/providers/types';
import { assertRejects, context, NOW_SECONDS, request, verifyDelivery, withBody, withHeaders } from './support';

/** Validates options the way start-up does; throws on a bad config. */
function options(raw: Record<string, unknown>): GenericHmacOptions {
  const schema = genericHmac.optionsSchema;
  assert.ok(schema, 'generic-hmac must have an optionsSchema');
  return schema.parse(raw);
}

function configError(raw: Record<string, unknown>): string {
  const result = genericHmac.optionsSchema?.safeParse(raw);
  assert.ok(result && !result.success, 'expected the options to be refused');
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n');
}

/** Independent signer with node:crypto. */
function mac(algorithm: string, secret: string, data: string, encoding: 'hex' | 'base64' = 'hex'): string {
  return createHmac(algorithm, secret).update(data).digest(encoding);
}

const OLD_SECRET = 'generic-old-5c4b3a2910';
const NEW_SECRET = 'generic-new-0918a7b6c5';
const OTHER_SECRET = 'generic-other-ffeeddcc';
const PAYLOAD = JSON.stringify({ data: { event: { id: 'evt_777', kind: 'invoice.paid' }, seq: 42 } });

describe('generic-hmac provider', () => {
  describe('body-only, hex SHA-256 with a prefix', () => {
    const opts = options({ header: 'X-Signature', prefix: 'sha256=' });
    const signature = `sha256=${mac('sha256', NEW_SECRET, PAYLOAD)}`;
    const valid = request({ body: PAYLOAD, headers: { 'X-Signature': signature } });
    const ctx = context([NEW_SECRET], opts);
    const rejects = (req: WebhookRequest, reason: Parameters<typeof assertRejects>[1], c = ctx): void =>
      assertRejects(() => verifyDelivery(genericHmac, req, c), reason, [...c.secrets, signature.slice('sha256='.length)]);

    it('accepts a delivery signed over the raw body', () => {
      assert.doesNotThrow(() => verifyDelivery(genericHmac, valid, ctx));
    });

    it("accepts GitHub's documented example configured as generic HMAC", () => {
      const github = options({ header: 'X-Hub-Signature-256', prefix: 'sha256=' });
      const req = request({
        body: 'Hello, World!',
        headers: { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
      });
      assert.doesNotThrow(() => verifyDelivery(genericHmac, req, context(["It's a Secret to Everybody"], github)));
    });

    it('accepts a delivery signed with the second of two configured secrets (rotation)', () => {
      assert.doesNotThrow(() => verifyDelivery(genericHmac, valid, context([OLD_SECRET, NEW_SECRET], opts)));
    });

    it('rejects a delivery signed with a secret that is not configured', () => {
      const req = withHeaders(valid, { 'x-signature': `sha256=${mac('sha256', OTHER_SECRET, PAYLOAD)}` });
      rejects(req, 'invalid_signature', context([OLD_SECRET, NEW_SECRET], opts));
    });

    it('accepts comma-separated signatures when any one matches', () => {
      const other = `sha256=${mac('sha256', OTHER_SECRET, PAYLOAD)}`;
      assert.doesNotThrow(() => verifyDelivery(genericHmac, withHeaders(valid, { 'x-signature': `${other},${signature}` }), ctx));
    });

    it('accepts space-separated signatures when any one matches', () => {
      const other = `sha256=${mac('sha256', OTHER_SECRET, PAYLOAD)}`;
      assert.doesNotThrow(() => verifyDelivery(genericHmac, withHeaders(valid, { 'x-signature': `${other} ${signature}` }), ctx));
    });

    it('rejects a tampered body', () => {
      rejects(withBody(valid, PAYLOAD.replace('42', '43')), 'invalid_signature');
    });

    it('rejects a delivery without the configured header as missing_signature', () => {
      rejects(withHeaders(valid, { 'x-signature': undefined }), 'missing_signature');
    });

    it('rejects a signature without the configured prefix as malformed_signature', () => {
      rejects(withHeaders(valid, { 'x-signature': signature.slice('sha256='.length) }), 'malformed_signature');
    });

    it('ignores a signature under another prefix, even one of the same length', () => {
      rejects(withHeaders(valid, { 'x-signature': signature.replace('sha256=', 'sha512=') }), 'malformed_signature');
    });

    it('rejects a signature that is not in the configured encoding as malformed_signature', () => {
      rejects(withHeaders(valid, { 'x-signature': `sha256=${mac('sha256', NEW_SECRET, PAYLOAD, 'base64')}` }), 'malformed_signature');
    });
  });

  describe('algorithm and encoding', () => {
    it('verifies base64 HMAC-SHA512 when configured', () => {
      const opts = options({ header: 'x-sig', algorithm: 'sha512', encoding: 'base64' });
      const req = request({ body: PAYLOAD, headers: { 'x-sig': mac('sha512', NEW_SECRET, PAYLOAD, 'base64') } });
      assert.doesNotThrow(() => verifyDelivery(genericHmac, req, context([NEW_SECRET], opts)));
    });

    it('verifies hex HMAC-SHA1 when configured', () => {
      const opts = options({ header: 'x-sig', algorithm: 'sha1' });
      const req = request({ body: PAYLOAD, headers: { 'x-sig': mac('sha1', NEW_SECRET, PAYLOAD) } });
      assert.doesNotThrow(() => verifyDelivery(genericHmac, req, context([NEW_SECRET], opts)));
    });

    it('rejects a SHA-256 signature when SHA-512 is configured', () => {
      const opts = options({ header: 'x-sig', algorithm: 'sha512' });
      const req = request({ body: PAYLOAD, headers: { 'x-sig': mac('sha256', NEW_SECRET, PAYLOAD) } });
      assertRejects(() => verifyDelivery(genericHmac, req, context([NEW_SECRET], opts)), 'invalid_signature');
    });
  });

  describe('template "{timestamp}.{body}" with a timestamp header', () => {
    const opts = options({ header: 'x-sig', signed: '{timestamp}.{body}', timestampHeader: 'X-Timestamp' });
    const delivery = (ts: number | string, secret = NEW_SECRET): WebhookRequest =>
      request({ body: PAYLOAD, headers: { 'x-sig': mac('sha256', secret, `${ts}.${PAYLOAD}`), 'x-timestamp': String(ts) } });
    const valid = delivery(NOW_SECONDS);
    const ctx = context([NEW_SECRET], opts);
    const rejects = (req: WebhookRequest, reason: Parameters<typeof assertRejects>[1]): void =>
      assertRejects(() => verifyDelivery(genericHmac, req, ctx), reason, [NEW_SECRET]);

    it('accepts a delivery signed over <timestamp>.<body>', () => {
      assert.doesNotThrow(() => verifyDelivery(genericHmac, valid, ctx));
    });

    it('rejects a signature replayed with a fresh timestamp', () => {
      rejects(withHeaders(valid, { 'x-timestamp': String(NOW_SECONDS + 1) }), 'invalid_signature');
    });

    it('rejects a delivery without the timestamp header as missing_timestamp', () => {
      rejects(withHeaders(valid, { 'x-timestamp': undefined }), 'missing_timestamp');
    });

    it('rejects a non-numeric timestamp as malformed_timestamp', () => {
      rejects(delivery('2023-11-14T22:13:20Z'), 'malformed_timestamp');
    });

    it('rejects a timestamp older than the tolerance as timestamp_too_old', () => {
      rejects(delivery(NOW_SECONDS - 301), 'timestamp_too_old');
    });

    it('rejects a timestamp further in the future than the tolerance as timestamp_in_future', () => {
      rejects(delivery(NOW_SECONDS + 301), 'timestamp_in_future');
    });
  });

  describe('template with {id}', () => {
    const opts = options({
      header: 'x-sig',
      encoding: 'base64',
      signed: '{id}.{timestamp}.{body}',
      timestampHeader: 'x-ts',
      idHeader: 'X-Msg-Id',
    });
    const signed = `msg_1.${NOW_SECONDS}.${PAYLOAD}`;
    const valid = request({
      body: PAYLOAD,
      headers: { 'x-sig': mac('sha256', NEW_SECRET, signed, 'base64'), 'x-ts': String(NOW_SECONDS), 'x-msg-id': 'msg_1' },
    });

    it('accepts a delivery signed over <id>.<timestamp>.<body>', () => {
      assert.doesNotThrow(() => verifyDelivery(genericHmac, valid, context([NEW_SECRET], opts)));
    });

    it('rejects a delivery without the id header as missing_header', () => {
      assertRejects(() => verifyDelivery(genericHmac, withHeaders(valid, { 'x-msg-id': undefined }), context([NEW_SECRET], opts)), 'missing_header');
    });

    it('rejects a signature moved to another message id', () => {
      assertRejects(() => verifyDelivery(genericHmac, withHeaders(valid, { 'x-msg-id': 'msg_2' }), context([NEW_SECRET], opts)), 'invalid_signature');
    });
  });

  describe('optionsSchema', () => {
    it('fills in defaults and lower-cases header names', () => {
      assert.deepEqual(options({ header: 'X-Signature', typeHeader: 'X-Event-Type' }), {
        header: 'x-signature',
        algorithm: 'sha256',
        encoding: 'hex',
        signed: 'body',
        typeHeader: 'x-event-type',
      });
    });

    it('requires a header', () => {
      assert.match(configError({}), /header/);
    });

    it('refuses a template without {body}', () => {
      assert.match(configError({ header: 'x', signed: '{timestamp}', timestampHeader: 'x-ts' }), /signed: must include \{body\}/);
    });

    it('refuses an unknown placeholder', () => {
      assert.match(configError({ header: 'x', signed: '{nonce}.{body}' }), /unknown placeholder \{nonce\}/);
    });

    it('refuses {timestamp} without a timestampHeader', () => {
      assert.match(configError({ header: 'x', signed: '{timestamp}.{body}' }), /timestampHeader/);
    });

    it('refuses a timestampHeader whose value is not signed', () => {
      assert.match(configError({ header: 'x', timestampHeader: 'x-ts' }), /timestampHeader/);
    });

    it('refuses {id} without an idHeader', () => {
      assert.match(configError({ header: 'x', signed: '{id}.{body}' }), /idHeader: required/);
    });

    it('refuses an idHeader that is not signed: anyone could resend a body under a new ID', () => {
      assert.match(configError({ header: 'x', idHeader: 'x-id' }), /idHeader: the event ID header must be signed: add \{id\} to signed/);
    });

    it('refuses idHeader and idField together', () => {
      assert.match(
        configError({ header: 'x', signed: '{id}.{body}', idHeader: 'x-id', idField: 'id' }),
        /idField: set idHeader or idField, not both/,
      );
    });

    it('refuses an idField that walks into a prototype', () => {
      assert.match(configError({ header: 'x', idField: 'data.__proto__.polluted' }), /idField/);
    });

    it('refuses a prefix containing a comma, which would split signatures', () => {
      assert.match(configError({ header: 'x', prefix: 'v1,' }), /prefix/);
    });

    it('refuses unknown options', () => {
      assert.match(configError({ header: 'x', algoritm: 'sha512' }), /algoritm/);
    });
  });

  describe('identify()', () => {
    const req = request({ body: PAYLOAD, headers: { 'x-event-id': 'hdr-1', 'x-event-type': 'hdr.type' } });
    const body: unknown = JSON.parse(PAYLOAD);

    it('reads the event ID and type from configured headers', () => {
      const opts = options({ header: 'x', signed: '{id}.{body}', idHeader: 'X-Event-Id', typeHeader: 'X-Event-Type' });
      assert.deepEqual(genericHmac.identify(req, body, opts), { eventId: 'hdr-1', eventType: 'hdr.type' });
    });

    it('reads the event ID and type from dotted body paths', () => {
      const opts = options({ header: 'x', idField: 'data.event.id', typeField: 'data.event.kind' });
      assert.deepEqual(genericHmac.identify(req, body, opts), { eventId: 'evt_777', eventType: 'invoice.paid' });
    });

    it('turns a numeric body ID into text', () => {
      const opts = options({ header: 'x', idField: 'data.seq' });
      assert.equal(genericHmac.identify(req, body, opts).eventId, '42');
    });

    it('returns no event ID when none is configured', () => {
      assert.deepEqual(genericHmac.identify(req, body, options({ header: 'x' })), { eventId: undefined, eventType: undefined });
    });
  });
});

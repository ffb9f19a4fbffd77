import assert from 'node:assert/strict';
import twilioSdk from 'twilio';
import { twilio } from '../../../src/providers/twilio';
import type { WebhookRequest } from '../../../src/providers/types';
import { assertRejects, context, request, verifyDelivery, withHeaders } from './support';

// Signatures come from twilio-node's own signer.
const { getExpectedTwilioSignature, getExpectedBodyHash } = twilioSdk;

const FORM = 'application/x-www-form-urlencoded';
const OLD_TOKEN = '0c4f1a2b3c4d5e6f708192a3b4c5d6e7';
const NEW_TOKEN = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const OTHER_TOKEN = 'aaaabbbbccccddddeeeeffff00001111';
const URL = 'https://hooks.example.com/sources/twilio?tenant=acme';
const PARAMS = {
  AccountSid: 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
  MessageSid: 'SM1f0e8ae6ade43cb3c0ce4525424e404f',
  MessageStatus: 'delivered',
  From: '+15017122661',
  To: '+15558675310',
  Body: 'Ahoy & welcome: 100% = "done"',
};

function formDelivery(token: string, params: Record<string, string | string[]> = PARAMS, url = URL): WebhookRequest {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const v of [value].flat()) body.append(name, v);
  return request({
    url,
    contentType: FORM,
    body: body.toString(),
    headers: { 'X-Twilio-Signature': getExpectedTwilioSignature(token, url, params) },
  });
}

describe('twilio provider', () => {
  const valid = formDelivery(NEW_TOKEN);
  const ctx = context([NEW_TOKEN], {});
  const rejects = (req: WebhookRequest, reason: Parameters<typeof assertRejects>[1], c = ctx): void =>
    assertRejects(() => verifyDelivery(twilio, req, c), reason, [...c.secrets, valid.headers['x-twilio-signature'] ?? '']);

  it('accepts a form post signed by twilio-node', () => {
    assert.doesNotThrow(() => verifyDelivery(twilio, valid, ctx));
  });

  it("accepts the example from Twilio's webhook security docs (token 12345, signature RSOYDt4T1cUTdK1PDd93/VVr8B8=)", () => {
    const req = request({
      url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
      contentType: FORM,
      body: 'CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212',
      headers: { 'X-Twilio-Signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' },
    });
    assert.doesNotThrow(() => verifyDelivery(twilio, req, context(['12345'], {})));
  });

  it('has no timestamp, so no default tolerance', () => {
    assert.equal(twilio.defaultToleranceSeconds, undefined);
  });

  it('accepts a delivery signed with the second of two configured tokens (rotation)', () => {
    assert.doesNotThrow(() => verifyDelivery(twilio, valid, context([OLD_TOKEN, NEW_TOKEN], {})));
  });

  it('rejects a delivery signed with a token that is not configured', () => {
    rejects(formDelivery(OTHER_TOKEN), 'invalid_signature', context([OLD_TOKEN, NEW_TOKEN], {}));
  });

  it('rejects a tampered parameter value', () => {
    const body = valid.rawBody.toString().replace('delivered', 'failed');
    rejects({ ...valid, rawBody: Buffer.from(body) }, 'invalid_signature');
  });

  it('rejects a parameter added after signing', () => {
    rejects({ ...valid, rawBody: Buffer.concat([valid.rawBody, Buffer.from('&Extra=1')]) }, 'invalid_signature');
  });

  it('rejects a signature presented at another URL', () => {
    rejects({ ...valid, url: URL.replace('tenant=acme', 'tenant=evil') }, 'invalid_signature');
  });

  it('rejects a delivery without X-Twilio-Signature as missing_signature', () => {
    rejects(withHeaders(valid, { 'x-twilio-signature': undefined }), 'missing_signature');
  });

  it('rejects a signature that is not base64 as malformed_signature', () => {
    rejects(withHeaders(valid, { 'x-twilio-signature': 'not base64!' }), 'malformed_signature');
  });

  it('accepts repeated parameter names, every value signed in sorted order', () => {
    const req = formDelivery(NEW_TOKEN, { ...PARAMS, Tag: ['zeta', 'alpha', 'mid'] });
    assert.doesNotThrow(() => verifyDelivery(twilio, req, ctx));
  });

  it('accepts a signature over the URL with :443 when the request URL has no port', () => {
    const signedWithPort = formDelivery(NEW_TOKEN, PARAMS, URL.replace('example.com/', 'example.com:443/'));
    assert.doesNotThrow(() => verifyDelivery(twilio, { ...signedWithPort, url: URL }, ctx));
  });

  it('accepts a signature over the URL without port when the request URL has :443', () => {
    assert.doesNotThrow(() => verifyDelivery(twilio, { ...valid, url: URL.replace('example.com/', 'example.com:443/') }, ctx));
  });

  describe('JSON body with bodySHA256', () => {
    const body = JSON.stringify({ CallSid: 'CA5f4e3d2c1b0a99887766554433221100', CallStatus: 'completed' });
    const jsonUrl = `${URL}&bodySHA256=${getExpectedBodyHash(body)}`;
    const jsonDelivery = (url: string, raw = body): WebhookRequest =>
      request({ url, body: raw, headers: { 'X-Twilio-Signature': getExpectedTwilioSignature(NEW_TOKEN, url, {}) } });

    it('accepts a body whose SHA-256 matches the signed bodySHA256', () => {
      assert.doesNotThrow(() => verifyDelivery(twilio, jsonDelivery(jsonUrl), ctx));
    });

    it('rejects a tampered body as invalid_signature', () => {
      rejects(jsonDelivery(jsonUrl, body.replace('completed', 'failed')), 'invalid_signature');
    });

    it('rejects a bodySHA256 that is not hex as malformed_signature', () => {
      rejects(jsonDelivery(`${URL}&bodySHA256=not-a-hash`), 'malformed_signature');
    });

    it('rejects a body the signed URL does not cover (no bodySHA256)', () => {
      rejects(jsonDelivery(URL), 'invalid_signature');
    });
  });

  describe('identify()', () => {
    it('prefers the I-Twilio-Idempotency-Token header', () => {
      const req = withHeaders(valid, { 'i-twilio-idempotency-token': '2a4c1b3e-idem' });
      assert.deepEqual(twilio.identify(req, undefined, {}), { eventId: '2a4c1b3e-idem', eventType: 'delivered' });
    });

    it('falls back to MessageSid from a form body', () => {
      assert.equal(twilio.identify(valid, undefined, {}).eventId, 'SM1f0e8ae6ade43cb3c0ce4525424e404f');
    });

    it('reads CallSid and CallStatus from a JSON body', () => {
      const body = { CallSid: 'CA5f4e3d2c1b0a99887766554433221100', CallStatus: 'completed' };
      const req = request({ body: JSON.stringify(body) });
      assert.deepEqual(twilio.identify(req, body, {}), { eventId: 'CA5f4e3d2c1b0a99887766554433221100', eventType: 'completed' });
    });

    it('leaves the event type undefined when no status field is present', () => {
      const req = request({ body: JSON.stringify({ Sid: 'XX1' }) });
      assert.deepEqual(twilio.identify(req, { Sid: 'XX1' }, {}), { eventId: 'XX1', eventType: undefined });
    });
  });
});

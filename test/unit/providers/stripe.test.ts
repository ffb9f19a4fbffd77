import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { stripe } from '../../../src/providers/stripe';
import { assertRejects, context, NOW_SECONDS, request, verifyDelivery, withBody, withHeaders } from './support';

// Signatures come from stripe-node's own test signer, not from our code.
const signer = new Stripe('sk_test_x').webhooks;

const OLD_SECRET = 'whsec_old_5vVv1bX2x9Qp0LkJ';
const NEW_SECRET = 'whsec_new_Hq3mT8rZ1cW4yA7e';
const OTHER_SECRET = 'whsec_other_Yt6nB2kP9sD0fG';
const PAYLOAD = JSON.stringify({ id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy', object: 'event', type: 'payment_intent.succeeded' });

function sign(secret: string, timestamp = NOW_SECONDS, payload = PAYLOAD): string {
  return signer.generateTestHeaderString({ payload, secret, timestamp });
}

function delivery(header: string): ReturnType<typeof request> {
  return request({ body: PAYLOAD, headers: { 'Stripe-Signature': header } });
}

/** The `v1=` value of a header made by the signer. */
function v1Of(header: string): string {
  const entry = header.split(',').find((part) => part.startsWith('v1='));
  assert.ok(entry, 'signer produced no v1 entry');
  return entry.slice('v1='.length);
}

describe('stripe provider', () => {
  const valid = delivery(sign(NEW_SECRET));
  const ctx = context([NEW_SECRET], {});
  const rejects = (req: ReturnType<typeof request>, reason: Parameters<typeof assertRejects>[1], c = ctx): void =>
    assertRejects(() => verifyDelivery(stripe, req, c), reason, [...c.secrets, OTHER_SECRET, v1Of(sign(NEW_SECRET))]);

  it('accepts a delivery signed by stripe-node', () => {
    assert.doesNotThrow(() => verifyDelivery(stripe, valid, ctx));
  });

  it('defaults to a 300 s tolerance, as stripe-node does', () => {
    assert.equal(stripe.defaultToleranceSeconds, 300);
  });

  it('accepts a delivery signed with the second of two configured secrets (rotation)', () => {
    assert.doesNotThrow(() => verifyDelivery(stripe, valid, context([OLD_SECRET, NEW_SECRET], {})));
  });

  it('rejects a delivery signed with a secret that is not configured', () => {
    rejects(delivery(sign(OTHER_SECRET)), 'invalid_signature', context([OLD_SECRET, NEW_SECRET], {}));
  });

  it('accepts a header carrying several v1 signatures when any one matches (Stripe secret roll)', () => {
    const header = `t=${NOW_SECONDS},v1=${v1Of(sign(OTHER_SECRET))},v1=${v1Of(sign(NEW_SECRET))}`;
    assert.doesNotThrow(() => verifyDelivery(stripe, delivery(header), ctx));
  });

  it('ignores v0 signatures even when they would match', () => {
    const header = `t=${NOW_SECONDS},v0=${v1Of(sign(NEW_SECRET))}`;
    rejects(delivery(header), 'malformed_signature');
  });

  it('rejects a tampered body', () => {
    rejects(withBody(valid, PAYLOAD.replace('succeeded', 'failed')), 'invalid_signature');
  });

  it('rejects a signature moved to another timestamp', () => {
    const header = `t=${NOW_SECONDS - 1},v1=${v1Of(sign(NEW_SECRET))}`;
    rejects(delivery(header), 'invalid_signature');
  });

  it('rejects a delivery without Stripe-Signature as missing_signature', () => {
    rejects(withHeaders(valid, { 'stripe-signature': undefined }), 'missing_signature');
  });

  it('rejects a header with no key=value entries as malformed_signature', () => {
    rejects(delivery('not-a-stripe-header'), 'malformed_signature');
  });

  it('rejects a v1 signature that is not hex as malformed_signature', () => {
    rejects(delivery(`t=${NOW_SECONDS},v1=zz${v1Of(sign(NEW_SECRET)).slice(2)}`), 'malformed_signature');
  });

  it('rejects a header without t= as missing_timestamp', () => {
    rejects(delivery(`v1=${v1Of(sign(NEW_SECRET))}`), 'missing_timestamp');
  });

  it('rejects a non-numeric t= as malformed_timestamp', () => {
    rejects(delivery(`t=yesterday,v1=${v1Of(sign(NEW_SECRET))}`), 'malformed_timestamp');
  });

  it('rejects a delivery older than the tolerance as timestamp_too_old', () => {
    rejects(delivery(sign(NEW_SECRET, NOW_SECONDS - 301)), 'timestamp_too_old');
  });

  it('accepts a delivery exactly at the tolerance', () => {
    assert.doesNotThrow(() => verifyDelivery(stripe, delivery(sign(NEW_SECRET, NOW_SECONDS - 300)), ctx));
  });

  it('rejects a delivery from further in the future than the tolerance as timestamp_in_future', () => {
    rejects(delivery(sign(NEW_SECRET, NOW_SECONDS + 301)), 'timestamp_in_future');
  });

  it('checkSecret() accepts a whsec_ signing secret', () => {
    assert.equal(stripe.checkSecret?.(NEW_SECRET), undefined);
  });

  it('checkSecret() refuses an API key configured in place of the whsec_ signing secret', () => {
    assert.match(stripe.checkSecret?.('sk_test_51H8abc') ?? '', /whsec_/);
  });

  it('identify() returns the body id and type', () => {
    assert.deepEqual(stripe.identify(valid, JSON.parse(PAYLOAD), {}), {
      eventId: 'evt_1NG8Du2eZvKYlo2CUI79vXWy',
      eventType: 'payment_intent.succeeded',
    });
  });

  it('identify() returns no event ID when the body id is not a string', () => {
    assert.equal(stripe.identify(valid, { id: 42, type: 'x' }, {}).eventId, undefined);
  });
});

import assert from 'node:assert/strict';
import nodeCrypto from 'node:crypto';
import { WebhookRejection } from '../../../src/providers/rejection';
import type { WebhookRequest } from '../../../src/providers/types';
import { SIGNED_CASES, type SignedCase } from './signed-cases';
import { context, NOW_SECONDS, verifyDelivery } from './support';

const BODY = Buffer.from(JSON.stringify({ type: 'constant.time', data: { n: 1 } }));
const realTimingSafeEqual = nodeCrypto.timingSafeEqual;

/** Replaces crypto.timingSafeEqual with one that records its calls and answers `verdict`. */
function forceTimingSafeEqual(verdict: boolean): Buffer[][] {
  const calls: Buffer[][] = [];
  nodeCrypto.timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean => {
    calls.push([Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)]);
    return verdict;
  };
  return calls;
}

function verify(c: SignedCase, req: WebhookRequest): string {
  try {
    verifyDelivery(c.provider, req, context([c.secret], c.options));
    return 'passed';
  } catch (err) {
    assert.ok(err instanceof WebhookRejection, String(err));
    return err.reason;
  }
}

/**
 * The signature decision is made by crypto.timingSafeEqual and nothing else: when it says no, a
 * correct signature is refused; when it says yes, a wrong one of the right length passes. A
 * verifier that compared with `===`, Buffer#equals or a early-exit loop would fail one of the two.
 */
describe('signature comparison is constant-time (crypto.timingSafeEqual decides)', () => {
  afterEach(() => {
    nodeCrypto.timingSafeEqual = realTimingSafeEqual;
  });

  for (const c of SIGNED_CASES) {
    describe(c.label, () => {
      it('refuses a correctly signed delivery when timingSafeEqual answers false', () => {
        const valid = c.sign(BODY, NOW_SECONDS, c.secret);
        assert.equal(verify(c, valid), 'passed', 'sanity: the real comparison accepts it');
        const calls = forceTimingSafeEqual(false);
        assert.equal(verify(c, valid), 'invalid_signature');
        assert.ok(calls.length > 0, 'timingSafeEqual was called');
      });

      it('passes a wrong signature of the right length when timingSafeEqual answers true, after comparing the real MAC', () => {
        let realMac: Buffer | undefined;
        const forged = c.sign(BODY, NOW_SECONDS, c.secret, {
          mac: (bytes) => {
            realMac = bytes;
            return Buffer.alloc(bytes.length, 0x5a);
          },
        });
        assert.equal(verify(c, forged), 'invalid_signature', 'sanity: the real comparison refuses it');
        const calls = forceTimingSafeEqual(true);
        assert.equal(verify(c, forged), 'passed');
        assert.ok(realMac);
        const mac = realMac;
        assert.ok(
          calls.some(([a, b]) => (a?.equals(mac) && b?.every((x) => x === 0x5a)) || (b?.equals(mac) && a?.every((x) => x === 0x5a))),
          'timingSafeEqual compared the expected MAC with the one sent',
        );
      });
    });
  }
});

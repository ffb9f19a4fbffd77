import assert from 'node:assert/strict';
import { WebhookRejection } from '../../../src/providers/rejection';
import type { DeliveryHead, WebhookRequest } from '../../../src/providers/types';
import { SIGNED_CASES } from './signed-cases';
import { context, NOW_SECONDS } from './support';

const BODY = Buffer.from(JSON.stringify({ type: 'head.check', data: { n: 1 } }));

/** The request as the receiver has it before reading the body: no rawBody at all. */
function headOnly(req: WebhookRequest): DeliveryHead {
  return { headers: req.headers, url: req.url, contentType: req.contentType };
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
    return 'passed';
  } catch (err) {
    assert.ok(err instanceof WebhookRejection, String(err));
    return err.reason;
  }
}

/**
 * readSignature runs before the body is read, so the receiver can refuse a request without a usable
 * signature at no memory cost; checkSignature then decides on the raw bytes.
 */
describe('provider verification in two steps: the head before the body, the MAC after', () => {
  for (const c of SIGNED_CASES) {
    describe(c.label, () => {
      const ctx = context([c.secret], c.options, { toleranceSeconds: c.toleranceSeconds ?? 300 });
      const signed = c.sign(BODY, NOW_SECONDS, c.secret);

      it('reads a signed head without its body, and the claim it returns passes the signed body', () => {
        const claim = c.provider.readSignature(headOnly(signed), ctx);
        assert.equal(reasonOf(() => c.provider.checkSignature(claim, signed, ctx)), 'passed');
      });

      it('refuses a head without any of its signature headers before the body exists', () => {
        const reason = reasonOf(() => c.provider.readSignature({ ...headOnly(signed), headers: {} }, ctx));
        assert.ok(reason === 'missing_signature' || reason === 'missing_header', reason);
      });

      it('refuses the claim of a signed head over another body as invalid_signature', () => {
        const claim = c.provider.readSignature(headOnly(signed), ctx);
        const other = { ...signed, rawBody: Buffer.concat([signed.rawBody, Buffer.from(' ')]) };
        assert.equal(reasonOf(() => c.provider.checkSignature(claim, other, ctx)), 'invalid_signature');
      });

      // Linear's only signed time is inside the body, so it can only be checked after.
      const window = c.label === 'linear' ? undefined : c.toleranceSeconds;
      if (window !== undefined) {
        it('refuses a signed timestamp outside the window from the head alone', () => {
          const stale = c.sign(BODY, NOW_SECONDS - window - 1, c.secret);
          assert.equal(reasonOf(() => c.provider.readSignature(headOnly(stale), ctx)), 'timestamp_too_old');
        });
      }
    });
  }
});

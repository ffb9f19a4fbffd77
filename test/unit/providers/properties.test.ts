import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WebhookRejection } from '../../../src/providers/rejection';
import type { WebhookRequest } from '../../../src/providers/types';
import { SIGNED_CASES, type SignedCase } from './signed-cases';
import { context, NOW_SECONDS, verifyDelivery } from './support';

const RUNS = 200;

/** What verify did: passed, or the rejection's reason. Any other error fails the property. */
function outcome(c: SignedCase, req: WebhookRequest, secrets: readonly string[] = [c.secret]): 'passed' | string {
  try {
    verifyDelivery(c.provider, req, context(secrets, c.options, { toleranceSeconds: c.toleranceSeconds ?? 300 }));
    return 'passed';
  } catch (err) {
    if (err instanceof WebhookRejection) return err.reason;
    throw new Error(`verify threw ${String(err)} instead of a WebhookRejection`);
  }
}

/** Strict decoding, independent of the verifier's own: undefined when the text is not the encoding. */
function decode(text: string, encoding: 'hex' | 'base64'): Buffer | undefined {
  const valid = encoding === 'hex' ? /^(?:[0-9a-fA-F]{2})+$/ : /^[A-Za-z0-9+/]+={0,2}$/;
  return valid.test(text) ? Buffer.from(text, encoding) : undefined;
}

function flipBit(bytes: Buffer, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  const index = Math.floor(bit / 8) % copy.length;
  copy[index] = (copy[index] ?? 0) ^ (1 << bit % 8);
  return copy;
}

/** One change to a body: a bit flipped, a byte added, or a byte removed. */
const bodyChange = fc.oneof(
  fc.nat().map((bit) => (b: Buffer) => (b.length === 0 ? Buffer.from([bit % 256]) : flipBit(b, bit))),
  fc.integer({ min: 0, max: 255 }).map((byte) => (b: Buffer) => Buffer.concat([b, Buffer.from([byte])])),
  fc.nat().map((at) => (b: Buffer) => (b.length === 0 ? Buffer.from('x') : Buffer.concat([b.subarray(0, at % b.length), b.subarray((at % b.length) + 1)]))),
);

/** Header values a hostile sender might try: anything, huge, separators, near-valid shapes. */
const hostileValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'binary-ascii', maxLength: 200 }),
  fc.stringMatching(/^[0-9a-f]{0,130}$/),
  fc.base64String({ maxLength: 100 }),
  fc.constantFrom('', ' ', ',', ';', '=', 'v1,', 'v1=', 'sha256=', 'v0=', 't=,v1=', 'ts=;h1=', 'NaN', '-1', '1e9', '0x10', '9'.repeat(40)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => 'a'.repeat(n)),
  fc.array(fc.stringMatching(/^[a-z0-9]{0,4}=[0-9a-f]{0,64}$/), { maxLength: 30 }).map((parts) => parts.join(',')),
);

function hostileRequest(c: SignedCase): fc.Arbitrary<WebhookRequest> {
  const names = fc.oneof(fc.constantFrom(...c.headerNames), fc.string({ minLength: 1, maxLength: 30 }).map((s) => s.toLowerCase()));
  return fc.record({
    headers: fc.dictionary(names, hostileValue, { maxKeys: 8 }),
    rawBody: fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
    url: fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string({ unit: 'binary', maxLength: 100 })),
    contentType: fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', ''),
  }).map((r) => {
    // Dictionaries have prototype-less keys only when asked; copy into a plain record.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(r.headers)) headers[name] = value;
    return { ...r, headers };
  });
}

describe('provider verifiers under random and hostile input (fast-check)', function () {
  this.timeout(20_000);

  for (const c of SIGNED_CASES) {
    describe(c.label, () => {
      const window = c.toleranceSeconds ?? 0;

      it('accepts every body signed with the configured secret at any time inside the window', () => {
        fc.assert(
          fc.property(c.body, fc.integer({ min: -window, max: window }), (body, skew) => {
            assert.equal(outcome(c, c.sign(body, NOW_SECONDS + skew, c.secret)), 'passed');
          }),
          { numRuns: RUNS },
        );
      });

      it('refuses every signature with one bit flipped as invalid_signature', () => {
        fc.assert(
          fc.property(c.body, fc.nat(), (body, bit) => {
            const req = c.sign(body, NOW_SECONDS, c.secret, { mac: (bytes) => flipBit(bytes, bit) });
            assert.equal(outcome(c, req), 'invalid_signature');
          }),
          { numRuns: RUNS },
        );
      });

      it('passes a signature text with one character changed only when it still carries the same MAC bytes', () => {
        const alphabet = c.encoding === 'hex' ? '0123456789abcdefABCDEF' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
        const replacement = fc.oneof(fc.constantFrom(...alphabet), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
        fc.assert(
          fc.property(c.body, fc.nat(), replacement, (body, position, char) => {
            let original = '';
            let changed = '';
            const req = c.sign(body, NOW_SECONDS, c.secret, {
              text: (text) => {
                const at = position % text.length;
                original = text;
                changed = text.slice(0, at) + char + text.slice(at + 1);
                return changed;
              },
            });
            const result = outcome(c, req);
            if (result === 'passed') {
              // Fine only if the text still carries the same MAC: another spelling of its bytes
              // (hex case, base64 padding bits), or the whole MAC as a token beside a new separator.
              const before = decode(original, c.encoding);
              const carried = changed.split(/[\s,;]+/).some((token) => {
                const after = decode(token, c.encoding);
                return before !== undefined && after !== undefined && before.equals(after);
              });
              assert.ok(carried, `accepted ${JSON.stringify(changed)} for ${original}`);
            }
          }),
          { numRuns: RUNS },
        );
      });

      it('refuses a signature made with any other secret as invalid_signature', () => {
        fc.assert(
          fc.property(c.body, c.otherSecret, (body, other) => {
            fc.pre(other !== c.secret);
            assert.equal(outcome(c, c.sign(body, NOW_SECONDS, other)), 'invalid_signature');
          }),
          { numRuns: RUNS },
        );
      });

      if (c.bodyBytesSigned) {
        it('refuses a signed body with one byte changed, added or removed', () => {
          fc.assert(
            fc.property(c.body, bodyChange, (body, change) => {
              const req = c.sign(body, NOW_SECONDS, c.secret);
              const tampered = { ...req, rawBody: change(req.rawBody) };
              fc.pre(!tampered.rawBody.equals(req.rawBody));
              assert.equal(outcome(c, tampered), 'invalid_signature');
            }),
            { numRuns: RUNS },
          );
        });
      }

      if (c.toleranceSeconds !== undefined) {
        it('accepts a signed timestamp inside the window and refuses one outside it, in both directions', () => {
          fc.assert(
            fc.property(c.body, fc.integer({ min: -1_000_000, max: 1_000_000 }), (body, skew) => {
              const expected = skew < -window ? 'timestamp_too_old' : skew > window ? 'timestamp_in_future' : 'passed';
              assert.equal(outcome(c, c.sign(body, NOW_SECONDS + skew, c.secret)), expected);
            }),
            { numRuns: RUNS },
          );
        });
      }

      it('refuses random headers, bodies, URLs and content types with a WebhookRejection, never another error', () => {
        fc.assert(
          fc.property(hostileRequest(c), (req) => {
            assert.notEqual(outcome(c, req), 'passed');
          }),
          { numRuns: RUNS },
        );
      });

      it('refuses a valid signature moved onto random headers and bodies', () => {
        fc.assert(
          fc.property(c.body, hostileRequest(c), (body, hostile) => {
            const signed = c.sign(body, NOW_SECONDS, c.secret);
            // Keep the signed headers but send them with another body, URL and extra headers.
            const req = { ...hostile, headers: { ...hostile.headers, ...signed.headers } };
            fc.pre(!req.rawBody.equals(signed.rawBody));
            assert.notEqual(outcome(c, req), 'passed');
          }),
          { numRuns: RUNS },
        );
      });
    });
  }
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { github, type GitHubOptions } from '../../../src/providers/github';
import type { WebhookRequest } from '../../../src/providers/types';
import { loadOctokitSign, type OctokitSign } from '../../helpers/octokit';
import { assertRejects, context, request, verifyDelivery, withBody, withHeaders } from './support';

const OLD_SECRET = 'gh-old-secret-0f9a8b7c';
const NEW_SECRET = 'gh-new-secret-1e2d3c4b';
const OTHER_SECRET = 'gh-other-secret-5a6b7c8d';
const PAYLOAD = JSON.stringify({ action: 'opened', issue: { number: 1347 } });
const SHA256_ONLY: GitHubOptions = { allowSha1: false };
const SHA1_ALLOWED: GitHubOptions = { allowSha1: true };

/** Independent SHA-1 signer: octokit only signs SHA-256. */
function sha1Header(secret: string, payload = PAYLOAD): string {
  return `sha1=${createHmac('sha1', secret).update(payload).digest('hex')}`;
}

describe('github provider', () => {
  let sign: OctokitSign;
  let valid: WebhookRequest;
  let signature: string;

  before(async () => {
    sign = await loadOctokitSign();
    signature = await sign(NEW_SECRET, PAYLOAD);
    valid = request({
      body: PAYLOAD,
      headers: {
        'X-Hub-Signature-256': signature,
        'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
        'X-GitHub-Event': 'issues',
      },
    });
  });

  const rejects = (req: WebhookRequest, reason: Parameters<typeof assertRejects>[1], options = SHA256_ONLY): void =>
    assertRejects(() => verifyDelivery(github, req, context([NEW_SECRET], options)), reason, [NEW_SECRET, signature]);

  it('accepts a delivery signed by @octokit/webhooks-methods', () => {
    assert.doesNotThrow(() => verifyDelivery(github, valid, context([NEW_SECRET], SHA256_ONLY)));
  });

  it("accepts GitHub's documented example (secret \"It's a Secret to Everybody\", payload \"Hello, World!\")", () => {
    const req = request({
      body: 'Hello, World!',
      headers: { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
    });
    assert.doesNotThrow(() => verifyDelivery(github, req, context(["It's a Secret to Everybody"], SHA256_ONLY)));
  });

  it('accepts a delivery signed with the second of two configured secrets (rotation)', () => {
    assert.doesNotThrow(() => verifyDelivery(github, valid, context([OLD_SECRET, NEW_SECRET], SHA256_ONLY)));
  });

  it('rejects a delivery signed with a secret that is not configured', async () => {
    const req = withHeaders(valid, { 'x-hub-signature-256': await sign(OTHER_SECRET, PAYLOAD) });
    assertRejects(() => verifyDelivery(github, req, context([OLD_SECRET, NEW_SECRET], SHA256_ONLY)), 'invalid_signature');
  });

  it('rejects a tampered body', () => {
    rejects(withBody(valid, PAYLOAD.replace('opened', 'closed')), 'invalid_signature');
  });

  it('rejects a delivery without any signature header as missing_signature', () => {
    rejects(withHeaders(valid, { 'x-hub-signature-256': undefined }), 'missing_signature');
  });

  it('rejects a signature without the sha256= prefix as malformed_signature', () => {
    rejects(withHeaders(valid, { 'x-hub-signature-256': signature.slice('sha256='.length) }), 'malformed_signature');
  });

  it('rejects a sha256= value that is not hex as malformed_signature', () => {
    rejects(withHeaders(valid, { 'x-hub-signature-256': `sha256=${'g'.repeat(64)}` }), 'malformed_signature');
  });

  it('has no timestamp, so no default tolerance', () => {
    assert.equal(github.defaultToleranceSeconds, undefined);
  });

  describe('legacy X-Hub-Signature (SHA-1)', () => {
    const sha1Only = (secret: string): WebhookRequest =>
      withHeaders(valid, { 'x-hub-signature-256': undefined, 'x-hub-signature': sha1Header(secret) });

    it('is refused as missing_signature unless allowSha1 is set', () => {
      rejects(sha1Only(NEW_SECRET), 'missing_signature');
    });

    it('is accepted when allowSha1 is true', () => {
      assert.doesNotThrow(() => verifyDelivery(github, sha1Only(NEW_SECRET), context([NEW_SECRET], SHA1_ALLOWED)));
    });

    it('with a wrong secret is rejected as invalid_signature when allowSha1 is true', () => {
      rejects(sha1Only(OTHER_SECRET), 'invalid_signature', SHA1_ALLOWED);
    });

    it('is ignored when a SHA-256 signature is also present (a valid SHA-1 cannot rescue a bad SHA-256)', async () => {
      const req = withHeaders(valid, {
        'x-hub-signature-256': await sign(OTHER_SECRET, PAYLOAD),
        'x-hub-signature': sha1Header(NEW_SECRET),
      });
      rejects(req, 'invalid_signature', SHA1_ALLOWED);
    });

    it('does not spoil a valid SHA-256 signature sent alongside it', () => {
      const req = withHeaders(valid, { 'x-hub-signature': sha1Header(OTHER_SECRET) });
      assert.doesNotThrow(() => verifyDelivery(github, req, context([NEW_SECRET], SHA1_ALLOWED)));
    });
  });

  describe('optionsSchema', () => {
    it('defaults allowSha1 to false', () => {
      assert.deepEqual(github.optionsSchema?.parse({}), { allowSha1: false });
    });

    it('refuses unknown options, so a typo fails at start-up', () => {
      assert.equal(github.optionsSchema?.safeParse({ allowSHA1: true }).success, false);
    });
  });

  describe('identify()', () => {
    it('returns the delivery GUID and the event joined with the body action', () => {
      assert.deepEqual(github.identify(valid, JSON.parse(PAYLOAD), SHA256_ONLY), {
        eventId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
        eventType: 'issues.opened',
      });
    });

    it('returns the bare event when the body has no string action', () => {
      const push = withHeaders(valid, { 'x-github-event': 'push' });
      assert.equal(github.identify(push, { ref: 'refs/heads/main', action: 7 }, SHA256_ONLY).eventType, 'push');
    });
  });
});

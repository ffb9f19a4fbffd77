import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { github } from '../../../src/providers/github';
import { twilio } from '../../../src/providers/twilio';
import type { Provider } from '../../../src/providers/types';
import { bodyDigest } from '../../../src/receiver/body-dedup';

const FORM = 'application/x-www-form-urlencoded';

function digest(provider: Provider<unknown>, body: string, contentType = FORM): string {
  return bodyDigest(provider, contentType, Buffer.from(body, 'utf8'));
}

describe('bodyDigest(provider, contentType, rawBody)', function () {
  const twilioProvider = twilio as Provider<unknown>;
  const githubProvider = github as Provider<unknown>;

  it('is the SHA-256 of the bytes for a provider that signs bytes', function () {
    const body = 'b=2&a=1';
    assert.equal(digest(githubProvider, body), createHash('sha256').update(body).digest('hex'));
  });

  it('is the SHA-256 of the bytes for a Twilio JSON body (bound by bodySHA256)', function () {
    const body = '{"CallSid":"CA1"}';
    assert.equal(digest(twilioProvider, body, 'application/json'), createHash('sha256').update(body).digest('hex'));
  });

  it('treats Twilio form bodies that verify alike as the same: reordered, repeated or differently encoded', function () {
    const base = digest(twilioProvider, 'MessageSid=SM1&Body=hi+there&To=%2B1555');
    assert.equal(digest(twilioProvider, 'To=%2B1555&Body=hi%20there&MessageSid=SM1'), base);
    assert.equal(digest(twilioProvider, 'MessageSid=SM1&Body=hi+there&To=%2B1555&MessageSid=SM1'), base);
    assert.equal(digest(twilioProvider, 'MessageSid=%53M1&Body=hi+there&To=%2b1555'), base);
  });

  it('treats Twilio form bodies whose signed strings are equal as the same (Twilio concatenates without separators)', function () {
    // Both sign as "BodyhiMessageSidSM1": one signature verifies both.
    assert.equal(digest(twilioProvider, 'Body=hiMessageSidSM1'), digest(twilioProvider, 'Body=hi&MessageSid=SM1'));
  });

  it('tells Twilio form bodies with other parameters apart', function () {
    const base = digest(twilioProvider, 'MessageSid=SM1&Body=hi');
    assert.notEqual(digest(twilioProvider, 'MessageSid=SM2&Body=hi'), base);
    assert.notEqual(digest(twilioProvider, 'MessageSid=SM1&Body=hi&Extra=x'), base);
  });
});

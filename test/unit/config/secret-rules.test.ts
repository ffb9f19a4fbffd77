import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { providers } from '../../../src/providers';
import { standardSecret } from '../../helpers/signed-event';
import { parse, problems } from './parse-config';



/** A secret in the provider's own format whose HMAC key is exactly `bytes` long. */
function secretOfKeyLength(provider: string, bytes: number): string {
  if (provider === 'standard-webhooks') return 'whsec_' + randomBytes(bytes).toString('base64');
  if (provider === 'stripe') return 'whsec_' + 'k'.repeat(bytes - 'whsec_'.length);
  return randomBytes(bytes).toString('hex').slice(0, bytes);
}

/** What else a source of this provider needs to be valid. */
const EXTRA: Readonly<Record<string, object>> = {
  twilio: { publicUrl: 'https://hooks.example.com/webhooks/src' },
  'generic-hmac': { options: { header: 'x-signature' } },
};

/** The minimum each provider documents (see each provider's comment), or 16 where it documents none. */
const EXPECTED_MINIMUM: Readonly<Record<string, number>> = {
  stripe: 38,
  github: 16,
  shopify: 32,
  slack: 32,
  twilio: 32,
  paddle: 16,
  linear: 16,
  'generic-hmac': 16,
  'standard-webhooks': 24,
};

describe('secret length at config load', function () {
  it('covers every built-in provider', function () {
    assert.deepEqual(Object.keys(providers).sort(), Object.keys(EXPECTED_MINIMUM).sort());
  });

  for (const [name, minimum] of Object.entries(EXPECTED_MINIMUM)) {
    describe(name, function () {
      it(`accepts a secret whose key is ${minimum} bytes`, function () {
        const secret = secretOfKeyLength(name, minimum);
        const config = parse({ sources: { src: { provider: name, secrets: [secret], ...EXTRA[name] } } });
        assert.deepEqual(config.sources.get('src')?.secrets, [secret]);
      });

      it(`refuses a secret whose key is ${minimum - 1} bytes, naming the place and the minimum but not the secret`, function () {
        const secret = secretOfKeyLength(name, minimum - 1);
        const message = problems({ sources: { src: { provider: name, secrets: [secretOfKeyLength(name, minimum), secret], ...EXTRA[name] } } });
        assert.match(message, new RegExp(`sources\\.src\\.secrets\\[1\\]: too short: .*at least ${minimum} bytes`));
        assert.doesNotMatch(message, /secrets\[0\]/);
        assert.ok(!message.includes(secret), 'the secret is not quoted');
      });
    });
  }

  it('measures a Standard Webhooks secret by its decoded key, not by its text', function () {
    // 23 bytes of key are 32 base64 characters: long enough as text, too short as a key.
    const secret = 'whsec_' + randomBytes(23).toString('base64');
    assert.match(problems({ sources: { src: { provider: 'standard-webhooks', secrets: [secret] } } }), /the decoded key to be at least 24 bytes/);
  });
});

describe('Twilio sources and publicUrl', function () {
  const token = randomBytes(16).toString('hex');

  it('refuses a Twilio source without publicUrl, saying Twilio signs the URL it calls', function () {
    assert.match(
      problems({ sources: { sms: { provider: 'twilio', secrets: [token] } } }),
      /sources\.sms\.publicUrl: required for twilio: twilio signs the URL it calls; set publicUrl to exactly that URL/,
    );
  });

  it('accepts a Twilio source with publicUrl', function () {
    const config = parse({ sources: { sms: { provider: 'twilio', secrets: [token], publicUrl: 'https://hooks.example.com/webhooks/sms' } } });
    assert.equal(config.sources.get('sms')?.publicUrl, 'https://hooks.example.com/webhooks/sms');
  });
});

describe('literal secrets when NODE_ENV=production', function () {
  const production = { NODE_ENV: 'production' };
  const sourceSecret = standardSecret();
  const forwardSecret = standardSecret();

  it("refuses a source's literal secret, naming the place and the two ways to give one, without quoting it", function () {
    const message = problems({ sources: { shop: { provider: 'standard-webhooks', secrets: [sourceSecret] } } }, production);
    assert.match(message, /sources\.shop\.secrets\[0\]: a secret written in the config file is refused when NODE_ENV=production; use \{"env": "VARIABLE"\} or \{"file": "path"\}/);
    assert.ok(!message.includes(sourceSecret));
  });

  it("refuses a handler's literal secret and header values", function () {
    const message = problems(
      {
        sources: { shop: { provider: 'standard-webhooks', secrets: [{ env: 'SHOP_SECRET' }] } },
        handlers: { erp: { kind: 'http', url: 'https://erp.example.com/hooks', secret: forwardSecret, headers: { authorization: 'Bearer literal-token' } } },
      },
      { ...production, SHOP_SECRET: sourceSecret },
    );
    assert.match(message, /handlers\.erp\.secret: a secret written in the config file is refused when NODE_ENV=production/);
    assert.match(message, /handlers\.erp\.headers\.authorization: a secret written in the config file is refused when NODE_ENV=production/);
    assert.ok(!message.includes(forwardSecret) && !message.includes('literal-token'));
  });

  it('accepts secrets from the environment when NODE_ENV=production', function () {
    const config = parse({ sources: { shop: { provider: 'standard-webhooks', secrets: [{ env: 'SHOP_SECRET' }] } } }, { ...production, SHOP_SECRET: sourceSecret });
    assert.deepEqual(config.sources.get('shop')?.secrets, [sourceSecret]);
  });

  it('accepts literal secrets outside production (development configs)', function () {
    const config = parse({ sources: { shop: { provider: 'standard-webhooks', secrets: [sourceSecret] } } }, { NODE_ENV: 'development' });
    assert.deepEqual(config.sources.get('shop')?.secrets, [sourceSecret]);
  });
});

import assert from 'node:assert/strict';
import { getProvider, providers } from '../../../src/providers';

describe('provider registry', () => {
  const expected = ['stripe', 'github', 'shopify', 'slack', 'twilio', 'paddle', 'linear', 'generic-hmac', 'standard-webhooks'];

  it('registers every built-in provider under its own name', () => {
    assert.deepEqual(Object.keys(providers).sort(), [...expected].sort());
    for (const [name, provider] of Object.entries(providers)) assert.equal(provider.name, name);
  });

  it('getProvider(name) returns the provider of that name', () => {
    assert.equal(getProvider('stripe')?.name, 'stripe');
  });

  it("getProvider('svix') returns the standard-webhooks provider", () => {
    assert.equal(getProvider('svix'), providers['standard-webhooks']);
  });

  it('getProvider() returns undefined for an unknown name', () => {
    assert.equal(getProvider('stripe-v2'), undefined);
  });

  it('getProvider() never returns inherited properties such as toString or __proto__', () => {
    assert.equal(getProvider('toString'), undefined);
    assert.equal(getProvider('__proto__'), undefined);
  });
});

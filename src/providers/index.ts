import { genericHmac } from './generic-hmac';
import { github } from './github';
import { linear } from './linear';
import { paddle } from './paddle';
import { shopify } from './shopify';
import { slack } from './slack';
import { standardWebhooks } from './standard-webhooks';
import { stripe } from './stripe';
import { twilio } from './twilio';
import type { Provider } from './types';

/** Every built-in provider under its own name, the name a source's `"provider"` refers to. */
export const providers: Readonly<Record<string, Provider<unknown>>> = Object.freeze(
  Object.fromEntries(
    [stripe, github, shopify, slack, twilio, paddle, linear, genericHmac, standardWebhooks].map((p) => [p.name, p]),
  ),
);

/** Other names accepted for a provider: Svix sends Standard Webhooks under its own header prefix. */
const aliases: Readonly<Record<string, string>> = Object.freeze({ svix: standardWebhooks.name });

export function getProvider(name: string): Provider<unknown> | undefined {
  const canonical = Object.hasOwn(aliases, name) ? aliases[name] : name;
  return canonical !== undefined && Object.hasOwn(providers, canonical) ? providers[canonical] : undefined;
}

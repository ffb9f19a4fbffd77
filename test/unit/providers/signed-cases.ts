import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import twilioSdk from 'twilio';
import { genericHmac } from '../../../src/providers/generic-hmac';
import { github } from '../../../src/providers/github';
import { linear } from '../../../src/providers/linear';
import { paddle } from '../../../src/providers/paddle';
import { shopify } from '../../../src/providers/shopify';
import { slack } from '../../../src/providers/slack';
import { standardWebhooks } from '../../../src/providers/standard-webhooks';
import { stripe } from '../../../src/providers/stripe';
import { twilio } from '../../../src/providers/twilio';
import type { Provider, WebhookRequest } from '../../../src/providers/types';
import { request } from './support';

/** Changes to make while signing: to the MAC's bytes, or to its encoded text. */
export interface Tamper {
  readonly mac?: (bytes: Buffer) => Buffer;
  readonly text?: (encoded: string) => string;
}

/**
 * One way a sender signs, for property tests: an independent signer (node:crypto, or the
 * provider's own library), where the signature goes, and what a verifier reads.
 */
export interface SignedCase {
  readonly label: string;
  readonly provider: Provider<unknown>;
  /** Options as start-up validates them. */
  readonly options: unknown;
  readonly secret: string;
  /** Makes another secret of the kind this provider takes (a wrong key). */
  readonly otherSecret: fc.Arbitrary<string>;
  /** Headers the verifier reads; random input draws its header names partly from these. */
  readonly headerNames: readonly string[];
  /** The replay window when a timestamp is signed; undefined when none is. */
  readonly toleranceSeconds: number | undefined;
  readonly encoding: 'hex' | 'base64';
  /** Bodies this provider accepts when correctly signed. */
  readonly body: fc.Arbitrary<Buffer>;
  /** Whether every byte of the raw body is covered by the signature (not for Twilio form posts). */
  readonly bodyBytesSigned: boolean;
  sign(body: Buffer, atSeconds: number, secret: string, tamper?: Tamper): WebhookRequest;
}

function mac(algorithm: string, key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const h = createHmac(algorithm, key);
  for (const part of parts) h.update(part);
  return h.digest();
}

/** The MAC after tampering, encoded, and its text after tampering. */
function encode(bytes: Buffer, encoding: 'hex' | 'base64', tamper: Tamper | undefined): string {
  const tampered = tamper?.mac ? tamper.mac(bytes) : bytes;
  const text = tampered.toString(encoding);
  return tamper?.text ? tamper.text(text) : text;
}

function optionsFor<O>(provider: Provider<O>, raw: Record<string, unknown>): O {
  if (!provider.optionsSchema) throw new TypeError(`${provider.name} takes no options`);
  return provider.optionsSchema.parse(raw);
}

const anyBytes = fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes));
const textSecret = fc.string({ minLength: 1, maxLength: 64 });
const prefixedSecret = (prefix: string): fc.Arbitrary<string> => textSecret.map((s) => prefix + s);
const whsecSecret = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => 'whsec_' + Buffer.from(b).toString('base64'));

const stripeCase: SignedCase = {
  label: 'stripe',
  provider: stripe,
  options: {},
  secret: 'whsec_props_stripe_5vVv1bX2',
  otherSecret: prefixedSecret('whsec_'),
  headerNames: ['stripe-signature'],
  toleranceSeconds: 300,
  encoding: 'hex',
  body: anyBytes,
  bodyBytesSigned: true,
  sign(body, at, secret, tamper) {
    const sig = encode(mac('sha256', secret, `${at}.`, body), 'hex', tamper);
    return request({ body, headers: { 'stripe-signature': `t=${at},v1=${sig}` } });
  },
};

const githubCase: SignedCase = {
  label: 'github',
  provider: github as Provider<unknown>,
  options: optionsFor(github, {}),
  secret: 'props-github-secret',
  otherSecret: textSecret,
  headerNames: ['x-hub-signature-256', 'x-hub-signature', 'x-github-delivery', 'x-github-event'],
  toleranceSeconds: undefined,
  encoding: 'hex',
  body: anyBytes,
  bodyBytesSigned: true,
  sign(body, _at, secret, tamper) {
    const sig = encode(mac('sha256', secret, body), 'hex', tamper);
    return request({ body, headers: { 'x-hub-signature-256': `sha256=${sig}` } });
  },
};

const shopifyCase: SignedCase = {
  label: 'shopify',
  provider: shopify,
  options: {},
  secret: 'props-shopify-client-secret',
  otherSecret: textSecret,
  headerNames: ['x-shopify-hmac-sha256', 'x-shopify-webhook-id', 'x-shopify-topic'],
  toleranceSeconds: undefined,
  encoding: 'base64',
  body: anyBytes,
  bodyBytesSigned: true,
  sign(body, _at, secret, tamper) {
    return request({ body, headers: { 'x-shopify-hmac-sha256': encode(mac('sha256', secret, body), 'base64', tamper) } });
  },
};

const slackCase: SignedCase = {
  label: 'slack',
  provider: slack,
  options: {},
  secret: 'props-slack-signing-secret',
  otherSecret: textSecret,
  headerNames: ['x-slack-signature', 'x-slack-request-timestamp'],
  toleranceSeconds: 300,
  encoding: 'hex',
  body: anyBytes,
  bodyBytesSigned: true,
  sign(body, at, secret, tamper) {
    const sig = encode(mac('sha256', secret, `v0:${at}:`, body), 'hex', tamper);
    return request({ body, headers: { 'x-slack-signature': `v0=${sig}`, 'x-slack-request-timestamp': String(at) } });
  },
};

function standardCase(prefix: 'webhook' | 'svix'): SignedCase {
  return {
    label: `standard-webhooks (${prefix}-* headers)`,
    provider: standardWebhooks,
    options: {},
    secret: 'whsec_' + Buffer.from('props-standard-webhooks-key').toString('base64'),
    otherSecret: whsecSecret,
    headerNames: [`${prefix}-id`, `${prefix}-timestamp`, `${prefix}-signature`],
    toleranceSeconds: 300,
    encoding: 'base64',
    body: anyBytes,
    bodyBytesSigned: true,
    sign(body, at, secret, tamper) {
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      const id = 'msg_props';
      const sig = encode(mac('sha256', key, `${id}.${at}.`, body), 'base64', tamper);
      return request({
        body,
        headers: { [`${prefix}-id`]: id, [`${prefix}-timestamp`]: String(at), [`${prefix}-signature`]: `v1,${sig}` },
      });
    },
  };
}

const paddleCase: SignedCase = {
  label: 'paddle',
  provider: paddle,
  options: {},
  secret: 'pdl_ntfset_props_secret',
  otherSecret: textSecret,
  headerNames: ['paddle-signature'],
  toleranceSeconds: 300,
  encoding: 'hex',
  body: anyBytes,
  bodyBytesSigned: true,
  sign(body, at, secret, tamper) {
    const sig = encode(mac('sha256', secret, `${at}:`, body), 'hex', tamper);
    return request({ body, headers: { 'paddle-signature': `ts=${at};h1=${sig}` } });
  },
};

/** Linear signs no header time: the body's webhookTimestamp (ms) is the signed time. */
const linearCase: SignedCase = {
  label: 'linear',
  provider: linear,
  options: {},
  secret: 'lin_wh_props_secret',
  otherSecret: textSecret,
  headerNames: ['linear-signature', 'linear-delivery', 'linear-event'],
  toleranceSeconds: 60,
  encoding: 'hex',
  body: fc.jsonValue({ maxDepth: 3 }).map((data) => Buffer.from(JSON.stringify({ type: 'Issue', data }))),
  bodyBytesSigned: true,
  sign(body, at, secret, tamper) {
    // The time goes into the body, so the body is rebuilt around it.
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const withTime = Buffer.from(JSON.stringify({ ...(typeof parsed === 'object' ? parsed : {}), webhookTimestamp: at * 1000 }));
    return request({ body: withTime, headers: { 'linear-signature': encode(mac('sha256', secret, withTime), 'hex', tamper) } });
  },
};

const TWILIO_URL = 'https://hooks.example.com/webhooks/twilio?tenant=acme';

/** Twilio JSON: the URL is signed, and carries the body's SHA-256. */
const twilioJsonCase: SignedCase = {
  label: 'twilio (JSON, bodySHA256)',
  provider: twilio,
  options: {},
  secret: '0c4f1a2b3c4d5e6f708192a3b4c5d6e7',
  otherSecret: textSecret,
  headerNames: ['x-twilio-signature', 'i-twilio-idempotency-token'],
  toleranceSeconds: undefined,
  encoding: 'base64',
  body: anyBytes,
  bodyBytesSigned: true,
  sign(body, _at, secret, tamper) {
    const url = `${TWILIO_URL}&bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    return request({ body, url, headers: { 'x-twilio-signature': encode(mac('sha1', secret, url), 'base64', tamper) } });
  },
};

/** Twilio form posts, signed by twilio-node itself over the parameters it parses. */
const twilioFormCase: SignedCase = {
  label: 'twilio (form, signed by twilio-node)',
  provider: twilio,
  options: {},
  secret: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  otherSecret: textSecret,
  headerNames: ['x-twilio-signature', 'i-twilio-idempotency-token'],
  toleranceSeconds: undefined,
  encoding: 'base64',
  body: fc
    .dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 8 })
    .map((params) => Buffer.from(new URLSearchParams(params).toString())),
  bodyBytesSigned: false,
  sign(body, _at, secret, tamper) {
    const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    const signed = Buffer.from(twilioSdk.getExpectedTwilioSignature(secret, TWILIO_URL, params), 'base64');
    return request({
      body,
      url: TWILIO_URL,
      contentType: 'application/x-www-form-urlencoded',
      headers: { 'x-twilio-signature': encode(signed, 'base64', tamper) },
    });
  },
};

const genericBase64Case: SignedCase = {
  label: 'generic-hmac (sha512, base64, body only)',
  provider: genericHmac as Provider<unknown>,
  options: optionsFor(genericHmac, { header: 'X-Billing-Signature', algorithm: 'sha512', encoding: 'base64' }),
  secret: 'props-generic-base64',
  otherSecret: textSecret,
  headerNames: ['x-billing-signature'],
  toleranceSeconds: undefined,
  encoding: 'base64',
  body: anyBytes,
  bodyBytesSigned: true,
  sign(body, _at, secret, tamper) {
    return request({ body, headers: { 'x-billing-signature': encode(mac('sha512', secret, body), 'base64', tamper) } });
  },
};

const genericTemplateCase: SignedCase = {
  label: 'generic-hmac (sha256=hex over {timestamp}.{id}.{body})',
  provider: genericHmac as Provider<unknown>,
  options: optionsFor(genericHmac, {
    header: 'X-Sig',
    prefix: 'sha256=',
    signed: '{timestamp}.{id}.{body}',
    timestampHeader: 'X-Ts',
    idHeader: 'X-Id',
  }),
  secret: 'props-generic-template',
  otherSecret: textSecret,
  headerNames: ['x-sig', 'x-ts', 'x-id'],
  toleranceSeconds: 300,
  encoding: 'hex',
  body: anyBytes,
  bodyBytesSigned: true,
  sign(body, at, secret, tamper) {
    const id = 'evt_props';
    const sig = encode(mac('sha256', secret, `${at}.${id}.`, body), 'hex', tamper);
    return request({ body, headers: { 'x-sig': `sha256=${sig}`, 'x-ts': String(at), 'x-id': id } });
  },
};

export const SIGNED_CASES: readonly SignedCase[] = [
  stripeCase,
  githubCase,
  shopifyCase,
  slackCase,
  standardCase('webhook'),
  standardCase('svix'),
  paddleCase,
  linearCase,
  twilioJsonCase,
  twilioFormCase,
  genericBase64Case,
  genericTemplateCase,
];

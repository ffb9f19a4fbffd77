import assert from 'node:assert/strict';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { Webhooks as PaddleWebhooks, NodeRuntime } from '@paddle/paddle-node-sdk';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import twilioSdk from 'twilio';
import { startTestHookflow, type TestHookflow } from '../helpers/hookflow';
import { post, type Answer } from '../helpers/http';
import { loadOctokitSign, type OctokitSign } from '../helpers/octokit';
import { rawRequest } from '../helpers/raw-http';
import { untilAccepting } from '../helpers/ready';
import { standardSecret } from '../helpers/signed-event';

/**
 * Every provider through the real HTTP server, signed by the provider's own library where one can
 * sign (stripe, @octokit/webhooks-methods, standardwebhooks, twilio) and by node:crypto following
 * the provider's documentation otherwise. Each test changes one thing from a valid signed delivery.
 */

const stripeSigner = new Stripe('sk_test_hookflow').webhooks;
const { getExpectedTwilioSignature, getExpectedBodyHash } = twilioSdk;
let octokitSign: OctokitSign;

/** Every fixture body carries this text once; a tampered body changes one byte of it. */
const MARK = 'hookflow-fixture';
const TAMPERED = 'hookflow-fixturE';

/** Pretty-printed, non-ASCII and newline-terminated: re-serialising it would not give the same bytes. */
function jsonBody(fields: Record<string, unknown>): string {
  return `${JSON.stringify({ ...fields, note: `${MARK} café ✓ — 1.50` }, null, 2)}\n`;
}

function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

function hmac(algorithm: string, key: string | Buffer, data: string, encoding: 'hex' | 'base64'): string {
  return createHmac(algorithm, key).update(data, 'utf8').digest(encoding);
}

interface SignInput {
  /** Unique per test, so no delivery is a duplicate of another. */
  readonly id: string;
  readonly secret: string;
  readonly at: Date;
}

interface Delivery {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Appended to the webhook URL, e.g. `?bodySHA256=...`. */
  readonly query?: string;
}

interface ProviderCase {
  readonly title: string;
  /** Who made the signature, for the test names. */
  readonly signer: string;
  readonly source: string;
  /** The stored `provider`: an alias resolves to its canonical name. */
  readonly provider: string;
  /** Oldest first; deliveries are signed with the last one unless a test says otherwise. */
  readonly secrets: readonly [string, string];
  readonly unconfiguredSecret: string;
  /** The header whose absence is a missing_signature (lower case). */
  readonly signatureHeader: string;
  /** Whether a signed timestamp is checked (a stale one is then timestamp_too_old). */
  readonly timestamped: boolean;
  readonly sign: (input: SignInput) => Delivery | Promise<Delivery>;
  readonly expected: (id: string) => { readonly eventId: string; readonly eventType: string | null };
}

const PUBLIC_TWILIO_URL = 'https://hooks.example.com/webhooks/twilio';

const stripeCase: ProviderCase = {
  title: 'stripe',
  signer: "stripe-node's generateTestHeaderString",
  source: 'stripe',
  provider: 'stripe',
  secrets: ['whsec_old_5vVv1bX2x9Qp0LkJc8Rt2Wm6Yz0Ae4Gi', 'whsec_new_Hq3mT8rZ1cW4yA7eVn5Pk9Bx3Dj7Fl1S'],
  unconfiguredSecret: 'whsec_other_Yt6nB2kP9sD0fG',
  signatureHeader: 'stripe-signature',
  timestamped: true,
  sign({ id, secret, at }) {
    const body = jsonBody({ id: `evt_${id}`, object: 'event', type: 'payment_intent.succeeded' });
    const header = stripeSigner.generateTestHeaderString({ payload: body, secret, timestamp: unixSeconds(at) });
    return { body, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header } };
  },
  expected: (id) => ({ eventId: `evt_${id}`, eventType: 'payment_intent.succeeded' }),
};

const githubCase: ProviderCase = {
  title: 'github',
  signer: '@octokit/webhooks-methods sign()',
  source: 'github',
  provider: 'github',
  secrets: ['gh-old-secret-0f9a8b7c', 'gh-new-secret-1e2d3c4b'],
  unconfiguredSecret: 'gh-other-secret-5a6b7c8d',
  signatureHeader: 'x-hub-signature-256',
  timestamped: false,
  async sign({ id, secret }) {
    // GitHub signs only the body, so each test's body differs (the same body again is a duplicate).
    const body = jsonBody({ action: 'opened', issue: { number: 1347, title: `issue ${id}` } });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': await octokitSign(secret, body),
        'x-github-delivery': id,
        'x-github-event': 'issues',
      },
    };
  },
  expected: (id) => ({ eventId: id, eventType: 'issues.opened' }),
};

const shopifyCase: ProviderCase = {
  title: 'shopify',
  signer: "node:crypto per Shopify's docs (base64 HMAC-SHA256 of the body)",
  source: 'shopify',
  provider: 'shopify',
  secrets: ['shpss_old_0123456789abcdef0123456789abcdef', 'shpss_new_fedcba9876543210fedcba9876543210'],
  unconfiguredSecret: 'shpss_other_aaaabbbbccccdddd',
  signatureHeader: 'x-shopify-hmac-sha256',
  timestamped: false,
  sign({ id, secret }) {
    const body = jsonBody({ id: 820982911946154500, email: 'jon@example.com', total_price: '19.99', token: id });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': hmac('sha256', secret, body, 'base64'),
        'x-shopify-topic': 'orders/create',
        'x-shopify-webhook-id': id,
        // Shared by every delivery of one merchant action, so it must not be the dedup key.
        'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
      },
    };
  },
  expected: (id) => ({ eventId: id, eventType: 'orders/create' }),
};

function slackHeaders(secret: string, at: Date, body: string): Record<string, string> {
  const ts = unixSeconds(at);
  return {
    'content-type': 'application/json',
    'x-slack-signature': `v0=${hmac('sha256', secret, `v0:${ts}:${body}`, 'hex')}`,
    'x-slack-request-timestamp': String(ts),
  };
}

const slackCase: ProviderCase = {
  title: 'slack',
  signer: "node:crypto per Slack's docs (v0=hex HMAC-SHA256 of v0:<ts>:<body>)",
  source: 'slack',
  provider: 'slack',
  secrets: ['8f74223188881234a0b1c2d3e4f50617', '91b2c3d4e5f607188f74223188881234'],
  unconfiguredSecret: 'slack-other-0a1b2c3d4e5f6071',
  signatureHeader: 'x-slack-signature',
  timestamped: true,
  sign({ id, secret, at }) {
    const body = jsonBody({ type: 'event_callback', event_id: `Ev${id}`, event: { type: 'app_mention', text: 'hi' } });
    return { body, headers: slackHeaders(secret, at, body) };
  },
  expected: (id) => ({ eventId: `Ev${id}`, eventType: 'app_mention' }),
};

const STANDARD_SECRETS: readonly [string, string] = [standardSecret('standard-webhooks-old-key-0001'), standardSecret('standard-webhooks-new-key-0002')];

function standardCase(title: string, source: string, prefix: 'webhook' | 'svix'): ProviderCase {
  return {
    title,
    signer: 'the standardwebhooks library',
    source,
    provider: 'standard-webhooks',
    secrets: STANDARD_SECRETS,
    unconfiguredSecret: standardSecret('standard-webhooks-other-key-03'),
    signatureHeader: `${prefix}-signature`,
    timestamped: true,
    sign({ id, secret, at }) {
      const body = jsonBody({ type: 'invoice.paid', data: { id: 'inv_1' } });
      return {
        body,
        headers: {
          'content-type': 'application/json',
          [`${prefix}-id`]: `msg_${id}`,
          [`${prefix}-timestamp`]: String(unixSeconds(at)),
          [`${prefix}-signature`]: new Webhook(secret).sign(`msg_${id}`, at, body),
        },
      };
    },
    expected: (id) => ({ eventId: `msg_${id}`, eventType: 'invoice.paid' }),
  };
}

const twilioFormCase: ProviderCase = {
  title: 'twilio, form-encoded, behind a proxy (publicUrl)',
  signer: "twilio-node's getExpectedTwilioSignature over the public URL",
  source: 'twilio',
  provider: 'twilio',
  secrets: ['0c4f1a2b3c4d5e6f708192a3b4c5d6e7', '9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
  unconfiguredSecret: 'aaaabbbbccccddddeeeeffff00001111',
  signatureHeader: 'x-twilio-signature',
  timestamped: false,
  sign({ id, secret }) {
    const params = {
      AccountSid: 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      MessageSid: `SM${id}`,
      MessageStatus: 'delivered',
      From: '+15017122661',
      Body: `${MARK} Ahoy & café: 100% = "done"`,
    };
    const query = '?tenant=acme';
    return {
      body: new URLSearchParams(params).toString(),
      query,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': getExpectedTwilioSignature(secret, PUBLIC_TWILIO_URL + query, params),
      },
    };
  },
  expected: (id) => ({ eventId: `SM${id}`, eventType: 'delivered' }),
};

const twilioJsonCase: ProviderCase = {
  ...twilioFormCase,
  title: 'twilio, JSON with bodySHA256, behind a proxy (publicUrl)',
  signer: "twilio-node's getExpectedTwilioSignature and getExpectedBodyHash over the public URL",
  sign({ id, secret }) {
    const body = jsonBody({ CallSid: `CA${id}`, CallStatus: 'completed' });
    const query = `?bodySHA256=${getExpectedBodyHash(body)}`;
    return {
      body,
      query,
      headers: {
        'content-type': 'application/json',
        'x-twilio-signature': getExpectedTwilioSignature(secret, PUBLIC_TWILIO_URL + query, {}),
        'i-twilio-idempotency-token': `idem-${id}`,
      },
    };
  },
  expected: (id) => ({ eventId: `idem-${id}`, eventType: 'completed' }),
};

function paddleHeader(secret: string, at: Date, body: string): string {
  const ts = unixSeconds(at);
  return `ts=${ts};h1=${hmac('sha256', secret, `${ts}:${body}`, 'hex')}`;
}

const paddleCase: ProviderCase = {
  title: 'paddle',
  signer: "node:crypto per Paddle's docs (ts=<unix>;h1=hex HMAC-SHA256 of <ts>:<body>)",
  source: 'paddle',
  provider: 'paddle',
  secrets: ['pdl_ntfset_01old_Qm9vYmFyYmF6cXV4', 'pdl_ntfset_01new_a7e4a56cf7c1cd80cb1c'],
  unconfiguredSecret: 'pdl_ntfset_01oth_ZZZZZZZZZZZZZZZZZZZZ',
  signatureHeader: 'paddle-signature',
  timestamped: true,
  sign({ id, secret, at }) {
    const body = jsonBody({ event_id: `evt_${id}`, event_type: 'transaction.completed', data: { id: 'txn_01h8bx' } });
    return { body, headers: { 'content-type': 'application/json', 'paddle-signature': paddleHeader(secret, at, body) } };
  },
  expected: (id) => ({ eventId: `evt_${id}`, eventType: 'transaction.completed' }),
};

const linearCase: ProviderCase = {
  title: 'linear',
  signer: "node:crypto per Linear's docs (hex HMAC-SHA256 of the body; webhookTimestamp in it)",
  source: 'linear',
  provider: 'linear',
  secrets: ['lin_wh_old_2b1f8e0c9d7a6b5c', 'lin_wh_new_7e6d5c4b3a291807'],
  unconfiguredSecret: 'lin_wh_other_0000111122223333',
  signatureHeader: 'linear-signature',
  timestamped: true,
  sign({ id, secret, at }) {
    const body = jsonBody({ action: 'create', type: 'Issue', data: { id }, webhookTimestamp: at.getTime() });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'linear-signature': hmac('sha256', secret, body, 'hex'),
        'linear-delivery': id,
        'linear-event': 'Issue',
      },
    };
  },
  expected: (id) => ({ eventId: id, eventType: 'Issue.create' }),
};

/** A sender configured entirely by the source: every option of generic-hmac set away from its default. */
const ACME_OPTIONS = {
  header: 'X-Acme-Signature',
  algorithm: 'sha512',
  encoding: 'base64',
  prefix: 'v1=',
  signed: '{id}.{timestamp}.{body}',
  timestampHeader: 'X-Acme-Timestamp',
  idHeader: 'X-Acme-Delivery',
  typeField: 'event.kind',
};

const genericCase: ProviderCase = {
  title: 'generic-hmac (sha512, base64, v1= prefix, {id}.{timestamp}.{body}, id from a header)',
  signer: 'node:crypto',
  source: 'acme',
  provider: 'generic-hmac',
  secrets: ['generic-old-5c4b3a2910', 'generic-new-0918a7b6c5'],
  unconfiguredSecret: 'generic-other-ffeeddcc',
  signatureHeader: 'x-acme-signature',
  timestamped: true,
  sign({ id, secret, at }) {
    const body = jsonBody({ event: { kind: 'invoice.paid' }, seq: 42 });
    const ts = String(unixSeconds(at));
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-acme-signature': `v1=${hmac('sha512', secret, `${id}.${ts}.${body}`, 'base64')}`,
        'x-acme-timestamp': ts,
        'x-acme-delivery': id,
      },
    };
  },
  expected: (id) => ({ eventId: id, eventType: 'invoice.paid' }),
};

const genericFieldCase: ProviderCase = {
  title: 'generic-hmac (sha1, hex, body only, id from a body field, type from a header)',
  signer: 'node:crypto',
  source: 'legacy',
  provider: 'generic-hmac',
  secrets: ['legacy-old-77aa88bb', 'legacy-new-99cc00dd'],
  unconfiguredSecret: 'legacy-other-11ee22ff',
  signatureHeader: 'x-legacy-hmac',
  timestamped: false,
  sign({ id, secret }) {
    const body = jsonBody({ data: { uid: `uid-${id}` } });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-legacy-hmac': hmac('sha1', secret, body, 'hex'),
        'x-legacy-topic': 'user.updated',
      },
    };
  },
  expected: (id) => ({ eventId: `uid-${id}`, eventType: 'user.updated' }),
};

const standardCaseWebhookHeaders = standardCase('standard-webhooks with webhook-* headers', 'standard', 'webhook');

const CASES: readonly ProviderCase[] = [
  stripeCase,
  githubCase,
  shopifyCase,
  slackCase,
  standardCaseWebhookHeaders,
  standardCase('standard-webhooks with svix-* headers', 'standard', 'svix'),
  standardCase('svix (alias of standard-webhooks) with svix-* headers', 'svix', 'svix'),
  twilioFormCase,
  twilioJsonCase,
  paddleCase,
  linearCase,
  genericCase,
  genericFieldCase,
];

const CONFIG = {
  sources: {
    stripe: { provider: 'stripe', secrets: stripeCase.secrets },
    github: { provider: 'github', secrets: githubCase.secrets },
    'github-sha1': { provider: 'github', secrets: githubCase.secrets, options: { allowSha1: true } },
    shopify: { provider: 'shopify', secrets: shopifyCase.secrets },
    slack: { provider: 'slack', secrets: slackCase.secrets },
    standard: { provider: 'standard-webhooks', secrets: STANDARD_SECRETS },
    svix: { provider: 'svix', secrets: STANDARD_SECRETS },
    twilio: { provider: 'twilio', secrets: twilioFormCase.secrets, publicUrl: PUBLIC_TWILIO_URL },
    paddle: { provider: 'paddle', secrets: paddleCase.secrets },
    linear: { provider: 'linear', secrets: linearCase.secrets },
    acme: { provider: 'generic-hmac', secrets: genericCase.secrets, options: ACME_OPTIONS },
    legacy: {
      provider: 'generic-hmac',
      secrets: genericFieldCase.secrets,
      options: { header: 'X-Legacy-Hmac', algorithm: 'sha1', idField: 'data.uid', typeHeader: 'X-Legacy-Topic' },
    },
  },
};

const HOUR_MS = 3600_000;

describe('providers through the real HTTP server', function () {
  let hookflow: TestHookflow;

  before(async function () {
    octokitSign = await loadOctokitSign();
    hookflow = await startTestHookflow({ config: CONFIG, worker: false });
    await untilAccepting(hookflow.url, 'stripe');
  });
  after(async function () {
    await hookflow?.stop();
  });

  function send(source: string, delivery: Delivery): Promise<Answer> {
    return post(`${hookflow.url}/webhooks/${source}${delivery.query ?? ''}`, delivery.body, { ...delivery.headers });
  }

  /** Sends the delivery and asserts it was refused with 401 `reason` and left no document behind. */
  async function assertRefused(source: string, delivery: Delivery, reason: string): Promise<void> {
    const before = await hookflow.store.collection.countDocuments();
    const answer = await send(source, delivery);
    assert.equal(answer.status, 401, JSON.stringify(answer.body));
    assert.equal(answer.body.error, reason);
    assert.equal(await hookflow.store.collection.countDocuments(), before, 'a refused delivery must not be stored');
  }

  /** Sends the delivery and asserts a 202 for `eventId` and the stored document's identity and bytes. */
  async function assertAccepted(c: ProviderCase, id: string, delivery: Delivery): Promise<void> {
    const { eventId, eventType } = c.expected(id);
    const workflowId = `${c.source}:${eventId}`;
    const answer = await send(c.source, delivery);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'accepted');
    assert.equal(answer.body.eventId, eventId);
    assert.equal(answer.body.workflowId, workflowId);

    const stored = await hookflow.store.get(workflowId);
    assert.ok(stored, `no document ${workflowId}`);
    assert.equal(stored.source, c.source);
    assert.equal(stored.provider, c.provider);
    assert.equal(stored.eventId, eventId);
    assert.equal(stored.eventType, eventType);
    assert.ok(Buffer.from(stored.body.buffer).equals(Buffer.from(delivery.body, 'utf8')), 'body stored byte for byte');
    assert.equal(stored.bodySha256, createHash('sha256').update(delivery.body, 'utf8').digest('hex'));
  }

  for (const c of CASES) {
    describe(c.title, function () {
      const [older, newer] = c.secrets;
      const signed = (secret = newer, at = new Date()): { id: string; delivery: Promise<Delivery> } => {
        const id = randomUUID();
        return { id, delivery: Promise.resolve(c.sign({ id, secret, at })) };
      };

      it(`accepts a delivery signed by ${c.signer} with 202 and stores it byte for byte`, async function () {
        const { id, delivery } = signed();
        await assertAccepted(c, id, await delivery);
      });

      it('accepts a delivery signed with the older of two configured secrets (rotation)', async function () {
        const { id, delivery } = signed(older);
        await assertAccepted(c, id, await delivery);
      });

      it('refuses a delivery signed with a secret that is not configured: 401 invalid_signature, nothing stored', async function () {
        await assertRefused(c.source, await signed(c.unconfiguredSecret).delivery, 'invalid_signature');
      });

      it('refuses a body changed after signing: 401 invalid_signature, nothing stored', async function () {
        const delivery = await signed().delivery;
        const tampered = delivery.body.replace(MARK, TAMPERED);
        assert.notEqual(tampered, delivery.body, 'fixture must contain the mark');
        await assertRefused(c.source, { ...delivery, body: tampered }, 'invalid_signature');
      });

      it(`refuses a delivery without ${c.signatureHeader}: 401 missing_signature, nothing stored`, async function () {
        const delivery = await signed().delivery;
        const headers = Object.fromEntries(Object.entries(delivery.headers).filter(([name]) => name !== c.signatureHeader));
        assert.equal(Object.keys(headers).length, Object.keys(delivery.headers).length - 1);
        await assertRefused(c.source, { ...delivery, headers }, 'missing_signature');
      });

      if (c.timestamped) {
        it('refuses a delivery signed an hour ago: 401 timestamp_too_old, nothing stored', async function () {
          const delivery = await signed(newer, new Date(Date.now() - HOUR_MS)).delivery;
          await assertRefused(c.source, delivery, 'timestamp_too_old');
        });
      }
    });
  }

  describe('github, legacy SHA-1 signature', function () {
    const SECRET = githubCase.secrets[1];

    function sha1Only(id: string): Delivery {
      const body = jsonBody({ action: 'opened', issue: { number: 7 } });
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'x-hub-signature': `sha1=${hmac('sha1', SECRET, body, 'hex')}`,
          'x-github-delivery': id,
          'x-github-event': 'issues',
        },
      };
    }

    it('is accepted with 202 by a source with allowSha1', async function () {
      const id = randomUUID();
      await assertAccepted({ ...githubCase, source: 'github-sha1' }, id, sha1Only(id));
    });

    it('is refused with 401 missing_signature by a source without allowSha1, nothing stored', async function () {
      await assertRefused('github', sha1Only(randomUUID()), 'missing_signature');
    });
  });

  describe('slack url_verification', function () {
    const SECRET = slackCase.secrets[1];
    const challenge = (): { body: string; challenge: string } => {
      const value = `challenge-${randomUUID()}`;
      return { challenge: value, body: JSON.stringify({ token: 'Jhj5dZrVaK7Z', challenge: value, type: 'url_verification' }) };
    };

    it('is answered 200 with its challenge, and nothing is stored', async function () {
      const { body, challenge: value } = challenge();
      const before = await hookflow.store.collection.countDocuments();
      const answer = await send('slack', { body, headers: slackHeaders(SECRET, new Date(), body) });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { challenge: value });
      assert.equal(await hookflow.store.collection.countDocuments(), before);
    });

    it('is refused with 401 invalid_signature when signed with another secret (no challenge echoed)', async function () {
      const { body } = challenge();
      const answer = await send('slack', { body, headers: slackHeaders(slackCase.unconfiguredSecret, new Date(), body) });
      assert.equal(answer.status, 401);
      assert.equal(answer.body.error, 'invalid_signature');
      assert.equal(answer.body.challenge, undefined);
    });
  });

  describe('standard-webhooks, several signatures in one header', function () {
    it('accepts a header whose second signature is made with the configured secret', async function () {
      const c = standardCaseWebhookHeaders;
      const id = randomUUID();
      const at = new Date();
      const delivery = await c.sign({ id, secret: c.secrets[1], at });
      const foreign = new Webhook(c.unconfiguredSecret).sign(`msg_${id}`, at, delivery.body);
      const both = `${foreign} ${delivery.headers['webhook-signature'] ?? ''}`;
      await assertAccepted(c, id, { ...delivery, headers: { ...delivery.headers, 'webhook-signature': both } });
    });
  });

  describe('twilio behind a proxy', function () {
    it('refuses a signature over the URL the process sees instead of the public one: 401 invalid_signature', async function () {
      const id = randomUUID();
      const delivery = await twilioJsonCase.sign({ id, secret: twilioJsonCase.secrets[1], at: new Date() });
      const internal = `${hookflow.url}/webhooks/twilio${delivery.query ?? ''}`;
      const signature = getExpectedTwilioSignature(twilioJsonCase.secrets[1], internal, {});
      await assertRefused('twilio', { ...delivery, headers: { ...delivery.headers, 'x-twilio-signature': signature } }, 'invalid_signature');
    });

    it('ignores a forged Host: a delivery Twilio signed for another app of the account, sent with that Host, is refused', async function () {
      // One Auth Token signs every webhook of a Twilio account, so a delivery captured on the way to
      // another app carries a valid signature over that app's URL. Only publicUrl keeps it out.
      const id = randomUUID();
      const delivery = await twilioJsonCase.sign({ id, secret: twilioJsonCase.secrets[1], at: new Date() });
      const otherHost = 'other-app.example.com';
      const signature = getExpectedTwilioSignature(twilioJsonCase.secrets[1], `http://${otherHost}/webhooks/twilio${delivery.query ?? ''}`, {});
      const before = await hookflow.store.collection.countDocuments();
      const answer = await rawRequest(`${hookflow.url}/webhooks/twilio${delivery.query ?? ''}`, {
        method: 'POST',
        headers: { ...delivery.headers, host: otherHost, 'x-twilio-signature': signature },
        body: delivery.body,
      });
      assert.equal(answer.status, 401, JSON.stringify(answer.body));
      assert.equal(answer.body.error, 'invalid_signature');
      assert.equal(await hookflow.store.collection.countDocuments(), before, 'a refused delivery must not be stored');
    });
  });

  describe('paddle', function () {
    before(function () {
      NodeRuntime.initialize();
    });

    it("accepts a header that Paddle's own SDK accepts", async function () {
      const id = randomUUID();
      const delivery = await paddleCase.sign({ id, secret: paddleCase.secrets[1], at: new Date() });
      const header = delivery.headers['paddle-signature'] ?? '';
      assert.equal(await new PaddleWebhooks().isSignatureValid(delivery.body, paddleCase.secrets[1], header), true);
      await assertAccepted(paddleCase, id, delivery);
    });
  });
});

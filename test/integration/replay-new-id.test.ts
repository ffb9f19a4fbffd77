import assert from 'node:assert/strict';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import twilioSdk from 'twilio';
import { runCli } from '../helpers/cli';
import { eventually } from '../helpers/eventually';
import { useHookflow } from '../helpers/hookflow';
import { post, type Answer } from '../helpers/http';
import { loadOctokitSign, type OctokitSign } from '../helpers/octokit';
import { signStandard, standardSecret } from '../helpers/signed-event';
import { useTempDir } from '../helpers/temp-dir';

/*
 * GitHub, Shopify, Twilio and Linear sign the body (or URL and parameters) but not the header their
 * event ID comes from. An attacker holding one signed delivery resends it under a fresh ID, or with
 * another event-type header to reach other handlers: the copy must be a duplicate of the original,
 * with nothing stored or started. Deliveries are signed by each provider's own library where one
 * can sign (@octokit/webhooks-methods, twilio) and by node:crypto following the docs otherwise.
 */

const { getExpectedTwilioSignature, getExpectedBodyHash } = twilioSdk;

const GITHUB_SECRET = 'replay-github-secret-7f1e2d3c';
const SHOPIFY_SECRET = 'replay-shopify-secret-0a9b8c7d6e5f4a3b';
const TWILIO_TOKEN = '5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b';
const LINEAR_SECRET = 'replay-linear-secret-1b2c3d4e';
const STANDARD_SECRET = standardSecret('replay-standard-webhooks-secret');
const TWILIO_URL = 'https://hooks.example.com/webhooks/twilio';

const CONFIG = {
  sources: {
    github: { provider: 'github', secrets: [GITHUB_SECRET] },
    shopify: { provider: 'shopify', secrets: [SHOPIFY_SECRET] },
    twilio: { provider: 'twilio', secrets: [TWILIO_TOKEN], publicUrl: TWILIO_URL },
    linear: { provider: 'linear', secrets: [LINEAR_SECRET] },
    standard: { provider: 'standard-webhooks', secrets: [STANDARD_SECRET] },
  },
};

function hmac(algorithm: string, key: string, data: string, encoding: 'hex' | 'base64'): string {
  return createHmac(algorithm, key).update(data, 'utf8').digest(encoding);
}

interface Delivery {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly query?: string;
}

describe('a signed delivery resent under a new, unsigned event ID', function () {
  this.timeout(120_000);
  // No worker: a started run stays visible in Temporal, and no handler could hide a second one.
  const hookflow = useHookflow({ config: CONFIG, worker: false, storeReady: true });
  let octokitSign: OctokitSign;

  before(async function () {
    octokitSign = await loadOctokitSign();
  });

  function send(source: string, delivery: Delivery): Promise<Answer> {
    return post(`${hookflow().url}/webhooks/${source}${delivery.query ?? ''}`, delivery.body, { ...delivery.headers });
  }

  /** Events of `source` stored with exactly this body. */
  function storedWithBody(source: string, body: string): Promise<number> {
    return hookflow().store.collection.countDocuments({ source, bodySha256: sha256Hex(body) });
  }

  async function runExists(workflowId: string): Promise<boolean> {
    try {
      await hookflow().temporal.workflow.getHandle(workflowId).describe();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /**
   * Sends `original` (202), then `copy`: a 200 duplicate naming the original, one stored event,
   * and no run under the copy's ID.
   */
  async function assertCopyIsDuplicate(source: string, original: Delivery, copy: Delivery, copyId: string): Promise<void> {
    const first = await send(source, original);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    const again = await send(source, copy);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(again.body, { status: 'duplicate', eventId: first.body.eventId, workflowId: first.body.workflowId });
    assert.equal(await storedWithBody(source, original.body), 1, 'one stored event');
    assert.equal(await hookflow().store.get(`${source}:${copyId}`), null, "nothing stored under the copy's ID");
    // Started by the starter, after the answer.
    await eventually(async () => assert.equal(await runExists(String(first.body.workflowId)), true, 'the original was started'));
    assert.equal(await runExists(`${source}:${copyId}`), false, "no run under the copy's ID");
  }

  async function github(body: string, delivery: string, event = 'issues'): Promise<Delivery> {
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': await octokitSign(GITHUB_SECRET, body),
        'x-github-delivery': delivery,
        'x-github-event': event,
      },
    };
  }

  function shopify(body: string, webhookId: string, topic = 'orders/create'): Delivery {
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': hmac('sha256', SHOPIFY_SECRET, body, 'base64'),
        'x-shopify-webhook-id': webhookId,
        'x-shopify-topic': topic,
      },
    };
  }

  const issueBody = (): string => JSON.stringify({ action: 'opened', issue: { number: 1, title: randomUUID() } });
  const orderBody = (): string => JSON.stringify({ id: 450789469, token: randomUUID(), total_price: '19.99' });

  describe('github', function () {
    it('with a new X-GitHub-Delivery: 200 duplicate naming the original, one event, one run', async function () {
      const body = issueBody();
      const [id, copyId] = [randomUUID(), randomUUID()];
      await assertCopyIsDuplicate('github', await github(body, id), await github(body, copyId), copyId);
    });

    it('with a new X-GitHub-Delivery and another X-GitHub-Event: still the duplicate of the original', async function () {
      const body = issueBody();
      const [id, copyId] = [randomUUID(), randomUUID()];
      await assertCopyIsDuplicate('github', await github(body, id, 'issues'), await github(body, copyId, 'push'), copyId);
      assert.equal((await hookflow().store.get(`github:${id}`))?.eventType, 'issues.opened', 'the type stays the signed original\'s');
    });

    it('still refuses the same delivery ID with another body (409), and that body is later accepted under its own ID', async function () {
      const id = randomUUID();
      assert.equal((await send('github', await github(issueBody(), id))).status, 202);
      const other = issueBody();
      const conflict = await send('github', await github(other, id));
      assert.equal(conflict.status, 409, JSON.stringify(conflict.body));
      assert.equal(conflict.body.error, 'event_id_conflict');
      const ownId = randomUUID();
      const later = await send('github', await github(other, ownId));
      assert.equal(later.status, 202, JSON.stringify(later.body));
      assert.equal(later.body.eventId, ownId);
    });

    it('answers concurrent copies under different IDs with exactly one 202; the others are duplicates of it', async function () {
      const body = issueBody();
      const ids = Array.from({ length: 6 }, () => randomUUID());
      const deliveries = await Promise.all(ids.map((id) => github(body, id)));
      const answers = await Promise.all(deliveries.map((d) => send('github', d)));
      const accepted = answers.filter((a) => a.status === 202);
      assert.equal(accepted.length, 1, JSON.stringify(answers.map((a) => [a.status, a.body])));
      const winner = accepted[0]?.body.workflowId;
      for (const a of answers.filter((x) => x.status !== 202)) {
        assert.equal(a.status, 200, JSON.stringify(a.body));
        assert.equal(a.body.status, 'duplicate');
        assert.equal(a.body.workflowId, winner);
      }
      assert.equal(await storedWithBody('github', body), 1);
    });

    it('stores a body whose first delivery was claimed but never stored under the claimed ID, exactly once', async function () {
      // What a MongoDB outage between the two inserts leaves behind: the body's key, no event.
      const body = issueBody();
      const [claimedId, retryId] = [randomUUID(), randomUUID()];
      await hookflow().store.collection.db.collection<{ _id: string; eventRef: string; eventId: string; eventType: string; receivedAt: Date }>('body_keys').insertOne({
        _id: `github:${sha256Hex(body)}`,
        eventRef: `github:${claimedId}`,
        eventId: claimedId,
        eventType: 'issues.opened',
        receivedAt: new Date(),
      });
      const retry = await send('github', await github(body, retryId));
      assert.equal(retry.status, 202, JSON.stringify(retry.body));
      assert.equal(retry.body.eventId, claimedId);
      const again = await send('github', await github(body, randomUUID()));
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.eventId, claimedId);
      assert.equal(await storedWithBody('github', body), 1);
    });
    it('answers a copy under a new ID as a duplicate even after retention removed the original event', async function () {
      const body = issueBody();
      const first = await send('github', await github(body, randomUUID()));
      assert.equal(first.status, 202, JSON.stringify(first.body));
      // What the retention sweep does to a finished event.
      await hookflow().store.collection.deleteOne({ _id: String(first.body.workflowId) });
      const copyId = randomUUID();
      const copy = await send('github', await github(body, copyId));
      assert.equal(copy.status, 200, JSON.stringify(copy.body));
      assert.deepEqual(copy.body, { status: 'duplicate', eventId: first.body.eventId, workflowId: first.body.workflowId });
      assert.equal(await storedWithBody('github', body), 0, 'nothing stored again');
    });
  });

  describe('shopify', function () {
    it('with a new X-Shopify-Webhook-Id and another X-Shopify-Topic: 200 duplicate, one event, one run', async function () {
      const body = orderBody();
      const [id, copyId] = [randomUUID(), randomUUID()];
      await assertCopyIsDuplicate('shopify', shopify(body, id), shopify(body, copyId, 'orders/cancelled'), copyId);
    });
  });

  describe('twilio', function () {
    it('JSON with a new I-Twilio-Idempotency-Token: 200 duplicate, one event, one run', async function () {
      const body = JSON.stringify({ CallSid: `CA${randomUUID().replace(/-/g, '')}`, CallStatus: 'completed' });
      const query = `?bodySHA256=${getExpectedBodyHash(body)}`;
      const signed = (token: string): Delivery => ({
        body,
        query,
        headers: {
          'content-type': 'application/json',
          'x-twilio-signature': getExpectedTwilioSignature(TWILIO_TOKEN, TWILIO_URL + query, {}),
          'i-twilio-idempotency-token': token,
        },
      });
      const [id, copyId] = [`idem-${randomUUID()}`, `idem-${randomUUID()}`];
      await assertCopyIsDuplicate('twilio', signed(id), signed(copyId), copyId);
    });

    it('form-encoded, with a new token and the parameters reordered (the signature still verifies): 200 duplicate', async function () {
      const params = { MessageSid: `SM${randomUUID().replace(/-/g, '')}`, MessageStatus: 'delivered', To: '+15558675310' };
      const signature = getExpectedTwilioSignature(TWILIO_TOKEN, TWILIO_URL, params);
      const form = (body: string, token: string): Delivery => ({
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'i-twilio-idempotency-token': token },
      });
      const body = new URLSearchParams(params).toString();
      const reordered = new URLSearchParams(Object.entries(params).reverse()).toString();
      assert.notEqual(reordered, body);
      const first = await send('twilio', form(body, `idem-${randomUUID()}`));
      assert.equal(first.status, 202, JSON.stringify(first.body));
      const copy = await send('twilio', form(reordered, `idem-${randomUUID()}`));
      assert.equal(copy.status, 200, JSON.stringify(copy.body));
      assert.equal(copy.body.workflowId, first.body.workflowId);
      assert.equal(await hookflow().store.collection.countDocuments({ source: 'twilio', eventType: 'delivered', _id: String(first.body.workflowId) }), 1);
    });
  });

  describe('linear', function () {
    it('with a new Linear-Delivery: 200 duplicate, one event, one run', async function () {
      const body = JSON.stringify({ action: 'create', type: 'Issue', data: { id: randomUUID() }, webhookTimestamp: Date.now() });
      const signed = (delivery: string): Delivery => ({
        body,
        headers: { 'content-type': 'application/json', 'linear-signature': hmac('sha256', LINEAR_SECRET, body, 'hex'), 'linear-delivery': delivery, 'linear-event': 'Issue' },
      });
      const [id, copyId] = [randomUUID(), randomUUID()];
      await assertCopyIsDuplicate('linear', signed(id), signed(copyId), copyId);
    });
  });

  describe('providers that sign the event ID', function () {
    it('standard-webhooks: the same body under two signed webhook-ids is two events', async function () {
      const body = JSON.stringify({ type: 'invoice.paid', data: { id: randomUUID() } });
      for (const delivery of [signStandard(STANDARD_SECRET, body), signStandard(STANDARD_SECRET, body)]) {
        const answer = await send('standard', delivery);
        assert.equal(answer.status, 202, JSON.stringify(answer.body));
      }
      assert.equal(await storedWithBody('standard', body), 2);
    });
  });
});

describe('dedupByBody: false (a sender whose identical bodies are distinct events)', function () {
  this.timeout(120_000);
  const hookflow = useHookflow({
    config: { sources: { github: { provider: 'github', secrets: [GITHUB_SECRET], dedupByBody: false } } },
    worker: false,
    storeReady: true,
  });
  let octokitSign: OctokitSign;

  before(async function () {
    octokitSign = await loadOctokitSign();
  });

  it('accepts the same signed body under two delivery IDs as two events', async function () {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const ids = [randomUUID(), randomUUID()];
    for (const id of ids) {
      const answer = await post(`${hookflow().url}/webhooks/github`, body, {
        'content-type': 'application/json',
        'x-hub-signature-256': await octokitSign(GITHUB_SECRET, body),
        'x-github-delivery': id,
        'x-github-event': 'ping',
      });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.equal(answer.body.eventId, id);
    }
    assert.equal(await hookflow().store.collection.countDocuments({ source: 'github' }), 2);
  });
});

describe('generic-hmac with an unsigned idHeader', function () {
  const dir = useTempDir('hookflow-unsigned-id-');

  it('is refused by `hookflow config check`, which says to sign {id}', async function () {
    const path = join(dir(), 'unsigned-id.json');
    writeFileSync(
      path,
      JSON.stringify({
        sources: { acme: { provider: 'generic-hmac', secrets: ['acme-secret-0123456789abcdef'], options: { header: 'x-acme-signature', idHeader: 'x-acme-delivery' } } },
      }),
    );
    const run = await runCli(['config', 'check', '--config', path], {});
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /sources\.acme\.options\.idHeader: the event ID header must be signed: add \{id\} to signed/);
  });
});

function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

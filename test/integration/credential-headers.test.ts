import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { received } from '../fixtures/handlers/test-handlers';
import { cliEnv, runCli } from '../helpers/cli';
import { eventually } from '../helpers/eventually';
import { useHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { loadOctokitSign } from '../helpers/octokit';

/*
 * Credentials a sender put in its request (Basic credentials from a `https://user:pass@` webhook URL,
 * a cookie, an API key, a source-specific token) are stored with the value replaced by a marker, so
 * they never show up in MongoDB, the admin API, the CLI or what a handler receives.
 */

const SECRET = 'credential-headers-github-secret';
const TOKEN = 'admin-token-credential-headers-01';
const TEST_HANDLERS = require.resolve('../fixtures/handlers/test-handlers');
const MARKER = '[redacted]';

const BASIC_PASSWORD = 'hunter2-basic-password';
const BASIC = `Basic ${Buffer.from(`hook-user:${BASIC_PASSWORD}`).toString('base64')}`;
const CREDENTIALS: Readonly<Record<string, string>> = {
  authorization: BASIC,
  cookie: 'session=cookie-secret-value-77',
  'x-api-key': 'api-key-secret-value-42',
  // Listed in the source's own redactHeaders.
  'x-partner-token': 'partner-secret-value-13',
};
/** Every credential value, and the Basic password alone, must be absent from whatever is inspected. */
const SECRET_TEXTS = [...Object.values(CREDENTIALS), BASIC_PASSWORD, BASIC.slice('Basic '.length)];

function assertNoCredential(text: string, where: string): void {
  for (const secret of SECRET_TEXTS) assert.ok(!text.includes(secret), `${where} holds a credential value`);
}

describe('credential headers are stored redacted', function () {
  this.timeout(120_000);
  const hookflow = useHookflow({
    env: { ADMIN_TOKEN: TOKEN },
    config: {
      sources: {
        github: {
          provider: 'github',
          secrets: [SECRET],
          redactHeaders: ['X-Partner-Token'],
          routes: [{ match: { type: 'issues.*' }, handlers: ['collect'] }],
        },
      },
      handlers: { collect: { kind: 'module', module: TEST_HANDLERS, export: 'collect' } },
    },
    storeReady: true,
  });
  let workflowId: string;
  let signature: string;

  before(async function () {
    const sign = await loadOctokitSign();
    const id = randomUUID();
    const body = JSON.stringify({ action: 'opened', issue: { number: 5, title: id } });
    signature = await sign(SECRET, body);
    const answer = await post(`${hookflow().url}/webhooks/github`, body, {
      'content-type': 'application/json',
      'x-hub-signature-256': signature,
      'x-github-delivery': id,
      'x-github-event': 'issues',
      ...CREDENTIALS,
    });
    // Redaction happens after verification: the signed delivery is accepted.
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    workflowId = `github:${id}`;
  });

  it('stores each credential header with its name kept and the marker as its value', async function () {
    const stored = await hookflow().store.get(workflowId);
    assert.ok(stored, 'the event is stored');
    const value = (name: string): string | undefined => stored.headers.find((h) => h.name === name)?.value;
    for (const name of Object.keys(CREDENTIALS)) assert.equal(value(name), MARKER, name);
    assertNoCredential(JSON.stringify(stored), 'the stored document');
  });

  it('keeps the signature header, which a re-check of the signature needs', async function () {
    const stored = await hookflow().store.get(workflowId);
    assert.equal(stored?.headers.find((h) => h.name === 'x-hub-signature-256')?.value, signature);
  });

  it('shows the marker, never the value, in the admin API with ?body=true', async function () {
    const res = await fetch(`${hookflow().url}/admin/events/${encodeURIComponent(workflowId)}?body=true&query=false`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const headers = (JSON.parse(text) as { headers: { name: string; value: string }[] }).headers;
    assert.deepEqual(
      headers.filter((h) => h.name in CREDENTIALS).map((h) => h.value),
      Object.keys(CREDENTIALS).map(() => MARKER),
    );
    assertNoCredential(text, 'the admin API answer');
  });

  it('shows the marker, never the value, in `hookflow events show --body`', async function () {
    const run = await runCli(['events', 'show', workflowId, '--body', '--no-query'], cliEnv(hookflow()));
    assert.equal(run.code, 0, run.stderr);
    for (const name of Object.keys(CREDENTIALS)) assert.match(run.stdout, new RegExp(`^\\s*${name}: \\[redacted\\]$`, 'm'));
    assertNoCredential(run.stdout + run.stderr, 'the CLI output');
  });

  it('hands a module handler the marker, never the value', async function () {
    const seen = await eventually(() => {
      const hit = received.find((r) => r.event.source === 'github' && `github:${r.event.eventId}` === workflowId);
      assert.ok(hit, 'the handler ran');
      return hit;
    }, 60_000);
    for (const name of Object.keys(CREDENTIALS)) assert.equal(seen.event.headers[name], MARKER, name);
    assertNoCredential(JSON.stringify(seen.event.headers), 'the handler event');
  });
});

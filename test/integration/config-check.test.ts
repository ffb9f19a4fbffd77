import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { standardSecret } from '../helpers/signed-event';
import { useTempDir } from '../helpers/temp-dir';

/**
 * `hookflow config check`, run as an operator runs it, refuses the configs a receiver must not start
 * with: a Twilio source without publicUrl, a secret shorter than its provider's, a secret
 * written in the file when NODE_ENV=production, and a body limit over MAX_BUFFERED_BODY_BYTES.
 */
describe('hookflow config check: secrets and URLs an attacker could exploit', function () {
  const dir = useTempDir('hookflow-config-rules-');

  function configFile(name: string, config: unknown): string {
    const path = join(dir(), name);
    writeFileSync(path, JSON.stringify(config));
    return path;
  }

  const twilioToken = randomBytes(16).toString('hex');

  it('refuses a Twilio source without publicUrl: exit 1, the message says to set the URL Twilio calls', async function () {
    const path = configFile('twilio.json', { sources: { sms: { provider: 'twilio', secrets: [twilioToken] } } });
    const run = await runCli(['config', 'check', '--config', path], {});
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /sources\.sms\.publicUrl: required for twilio: twilio signs the URL it calls; set publicUrl to exactly that URL/);
    assert.ok(!run.stderr.includes(twilioToken), 'the token is not printed');
  });

  it('accepts the same Twilio source with publicUrl', async function () {
    const path = configFile('twilio-public.json', {
      sources: { sms: { provider: 'twilio', secrets: [twilioToken], publicUrl: 'https://hooks.example.com/webhooks/sms' } },
    });
    const run = await runCli(['config', 'check', '--config', path], {});
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /valid, 1 source\(s\)/);
  });

  it("refuses a secret shorter than the provider's: exit 1, naming the place and the minimum, never the secret", async function () {
    const short = 'slack-signing-123'; // 17 bytes; Slack's signing secrets are 32
    const path = configFile('short.json', { sources: { chat: { provider: 'slack', secrets: [{ env: 'SLACK_SECRET' }] } } });
    const run = await runCli(['config', 'check', '--config', path], { SLACK_SECRET: short });
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /sources\.chat\.secrets\[0\]: too short: slack needs the secret to be at least 32 bytes/);
    assert.ok(!run.stderr.includes(short), 'the secret is not printed');
  });

  it('refuses a source whose maxBodyBytes is over MAX_BUFFERED_BODY_BYTES, as the receiver does: exit 1, naming both', async function () {
    const path = configFile('big-body.json', {
      sources: { shop: { provider: 'standard-webhooks', secrets: [standardSecret()], maxBodyBytes: 2 * 1024 * 1024 } },
    });
    const run = await runCli(['config', 'check', '--config', path], { MAX_BUFFERED_BODY_BYTES: String(1024 * 1024) });
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /sources\.shop\.maxBodyBytes: 2097152 is over MAX_BUFFERED_BODY_BYTES \(1048576\); lower the one or raise the other/);
  });

  it('refuses a literal secret when NODE_ENV=production: exit 1, saying to use {"env": ...} or {"file": ...}', async function () {
    const literal = standardSecret();
    const path = configFile('literal.json', { sources: { shop: { provider: 'standard-webhooks', secrets: [literal] } } });
    const run = await runCli(['config', 'check', '--config', path], { NODE_ENV: 'production' });
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /sources\.shop\.secrets\[0\]: a secret written in the config file is refused when NODE_ENV=production; use \{"env": "VARIABLE"\} or \{"file": "path"\}/);
    assert.ok(!run.stderr.includes(literal), 'the secret is not printed');
    const development = await runCli(['config', 'check', '--config', path], {});
    assert.equal(development.code, 0, development.stderr);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../../src/config/sources';
import { standardSecret } from '../../helpers/signed-event';
import { parse, problems } from './parse-config';

const SW_SECRET = standardSecret('unit-test-key');
const GITHUB_SECRET = 'unit-test-github-secret';
const STRIPE_SECRET = `whsec_${'x'.repeat(32)}`;



describe('parseConfig(json)', function () {
  it('resolves a source with defaults from its provider and the environment', function () {
    const config = parse({ sources: { demo: { provider: 'standard-webhooks', secrets: [{ env: 'S' }] } } }, { S: SW_SECRET });
    const demo = config.sources.get('demo');
    assert.ok(demo);
    assert.equal(demo.provider.name, 'standard-webhooks');
    assert.deepEqual(demo.secrets, [SW_SECRET]);
    assert.equal(demo.toleranceSeconds, 300);
    assert.equal(demo.maxBodyBytes, 1000);
  });

  it('reads a secret from a file relative to the config, without its trailing newline', function () {
    const dir = mkdtempSync(join(tmpdir(), 'hookflow-config-'));
    writeFileSync(join(dir, 'secret'), `${SW_SECRET}\n`);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ sources: { a: { provider: 'standard-webhooks', secrets: [{ file: 'secret' }] } } }));
    const config = loadConfigFile(join(dir, 'config.json'), { env: {}, defaultMaxBodyBytes: 10 });
    assert.deepEqual(config.sources.get('a')?.secrets, [SW_SECRET]);
  });

  it('names an unset environment variable without revealing any secret', function () {
    const message = problems(
      { sources: { stripe: { provider: 'stripe', secrets: ['whsec_literal_value', { env: 'MISSING_VAR' }] } } },
      {},
    );
    assert.match(message, /sources\.stripe\.secrets\[1\]: environment variable MISSING_VAR is not set/);
    assert.doesNotMatch(message, /whsec_literal_value/);
  });

  it('names an unreadable secret file', function () {
    const message = problems({ sources: { a: { provider: 'github', secrets: [{ file: '/nonexistent/secret' }] } } });
    assert.match(message, /sources\.a\.secrets\[0\]: cannot read secret file \/nonexistent\/secret: ENOENT/);
  });

  it('refuses an unknown provider and lists the known ones', function () {
    assert.match(problems({ sources: { a: { provider: 'nope', secrets: ['x'] } } }), /sources\.a\.provider: unknown provider; one of: .*stripe/);
  });

  it('refuses a secret the provider cannot use', function () {
    assert.match(
      problems({ sources: { a: { provider: 'standard-webhooks', secrets: ['whsec_not base64!'] } } }),
      /sources\.a\.secrets\[0\]: must be whsec_ followed by base64/,
    );
  });

  it('refuses provider options that do not fit the provider', function () {
    assert.match(
      problems({ sources: { a: { provider: 'github', secrets: [GITHUB_SECRET], options: { allowSha1: 'yes' } } } }),
      /sources\.a\.options\.allowSha1/,
    );
  });

  it('refuses unknown keys, so a typo is not silently ignored', function () {
    assert.match(problems({ sources: { a: { provider: 'github', secrets: [GITHUB_SECRET], tolerance: 5 } } }), /sources\.a: .*tolerance/);
  });

  it('refuses source names that are not plain URL segments', function () {
    assert.match(problems({ sources: { '../x': { provider: 'github', secrets: [GITHUB_SECRET] } } }), /sources/);
    assert.match(problems({ sources: { Stripe: { provider: 'github', secrets: [GITHUB_SECRET] } } }), /sources/);
  });

  it('refuses an event ID path that reaches prototypes', function () {
    assert.match(
      problems({ sources: { a: { provider: 'github', secrets: [GITHUB_SECRET], eventId: { field: '__proto__.x' } } } }),
      /sources\.a\.eventId/,
    );
  });

  it('refuses a file without sources and an empty secrets list', function () {
    assert.match(problems({ sources: {} }), /define at least one source/);
    assert.match(problems({ sources: { a: { provider: 'github', secrets: [] } } }), /sources\.a\.secrets: at least one secret is required/);
  });

  it('reports every problem at once, not only the first', function () {
    const message = problems(
      { sources: { a: { provider: 'github', secrets: [{ env: 'A' }] }, b: { provider: 'stripe', secrets: [{ env: 'B' }] } } },
      {},
    );
    assert.match(message, /sources\.a\.secrets\[0\]/);
    assert.match(message, /sources\.b\.secrets\[0\]/);
  });
});

describe('parseConfig(json): credential headers', function () {
  const FORWARD_SECRET = standardSecret('unit-forward-key');
  const forwarding = (...forwardHeaders: string[]) => ({ kind: 'http', url: 'https://erp.internal/hooks', secret: FORWARD_SECRET, forwardHeaders });

  it('redacts the built-in credential headers and the source\'s own, lower-cased', function () {
    const config = parse({ sources: { a: { provider: 'github', secrets: [GITHUB_SECRET], redactHeaders: ['X-Partner-Token'] } } });
    const redact = config.sources.get('a')?.redactHeaders;
    for (const name of ['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-partner-token']) assert.ok(redact?.has(name), name);
    assert.equal(redact?.has('x-hub-signature-256'), false);
  });

  it('refuses a redactHeaders entry that is not a header name', function () {
    assert.match(problems({ sources: { a: { provider: 'github', secrets: [GITHUB_SECRET], redactHeaders: ['x token'] } } }), /sources\.a\.redactHeaders\[0\]: not an HTTP header name/);
  });

  it('refuses a handler that forwards a built-in credential header, which would forward the marker', function () {
    assert.match(
      problems({ sources: { a: { provider: 'github', secrets: [GITHUB_SECRET] } }, handlers: { erp: forwarding('user-agent', 'Authorization') } }),
      /handlers\.erp\.forwardHeaders\[1\]: Authorization is a credential header, stored as "\[redacted\]"/,
    );
  });

  it("refuses a route to a handler that forwards a header the source redacts", function () {
    assert.match(
      problems({
        sources: { a: { provider: 'github', secrets: [GITHUB_SECRET], redactHeaders: ['x-partner-token'], routes: [{ match: { type: '*' }, handlers: ['erp'] }] } },
        handlers: { erp: forwarding('x-partner-token') },
      }),
      /sources\.a\.routes\[0\]\.handlers\[0\]: handler "erp" forwards x-partner-token, which this source stores redacted/,
    );
  });
});

describe('parseConfig(json): dedupByBody', function () {
  const dedup = (source: Record<string, unknown>): boolean | undefined => parse({ sources: { a: { secrets: [GITHUB_SECRET], ...source } } }).sources.get('a')?.dedupByBody;

  it('is on for providers whose event ID header is not signed', function () {
    const long = { secrets: ['0123456789abcdef0123456789abcdef'], publicUrl: 'https://hooks.example.com/webhooks/a' };
    for (const provider of ['github', 'shopify', 'twilio', 'linear']) assert.equal(dedup({ provider, ...long }), true, provider);
  });

  it('is off for providers whose event ID is signed', function () {
    assert.equal(dedup({ provider: 'stripe', secrets: [STRIPE_SECRET] }), false);
    assert.equal(dedup({ provider: 'standard-webhooks', secrets: [SW_SECRET] }), false);
    assert.equal(dedup({ provider: 'paddle' }), false);
  });

  it("follows a source's eventId rule: a header is unsigned, a body field is signed", function () {
    assert.equal(dedup({ provider: 'standard-webhooks', secrets: [SW_SECRET], eventId: { header: 'x-request-id' } }), true);
    assert.equal(dedup({ provider: 'github', eventId: { field: 'hook_id' } }), false);
  });

  it('can be turned off for a sender whose identical bodies are distinct events', function () {
    assert.equal(dedup({ provider: 'github', dedupByBody: false }), false);
  });
});

describe('loadConfigFile(path)', function () {
  it('says which file is missing', function () {
    assert.throws(() => loadConfigFile('/nonexistent/hookflow.json', { defaultMaxBodyBytes: 1 }), /Cannot read config file \/nonexistent\/hookflow.json: ENOENT/);
  });

  it('says when the file is not JSON', function () {
    const dir = mkdtempSync(join(tmpdir(), 'hookflow-config-'));
    writeFileSync(join(dir, 'bad.json'), '{ sources: ');
    assert.throws(() => loadConfigFile(join(dir, 'bad.json'), { defaultMaxBodyBytes: 1 }), /is not valid JSON/);
  });
});

describe('config/hookflow.dev.json', function () {
  it('is a valid config whose demo source routes every event to a handler', function () {
    const config = loadConfigFile(join(__dirname, '../../../../config/hookflow.dev.json'), { env: {}, defaultMaxBodyBytes: 1 });
    assert.deepEqual([...config.sources.keys()], ['demo']);
    assert.deepEqual(config.sources.get('demo')?.routes.map((r) => r.handlers), [['log-event']]);
  });
});

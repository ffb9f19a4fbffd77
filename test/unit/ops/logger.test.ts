import assert from 'node:assert/strict';
import { loadEnv } from '../../../src/config/env';
import { CREDENTIAL_HEADERS } from '../../../src/event/credential-headers';
import { createLogger, logFormat } from '../../../src/logger';
import { providers } from '../../../src/providers';

describe('logFormat(env)', function () {
  it('uses LOG_FORMAT when set', function () {
    assert.equal(logFormat({ LOG_FORMAT: 'pretty', NODE_ENV: 'production' }), 'pretty');
    assert.equal(logFormat({ LOG_FORMAT: 'json' }), 'json');
  });

  it('is JSON in production, whatever the terminal', function () {
    assert.equal(logFormat({ NODE_ENV: 'production' }), 'json');
  });

  it('follows whether stdout is a terminal otherwise', function () {
    assert.equal(logFormat({}), process.stdout.isTTY ? 'pretty' : 'json');
  });
});

describe('loadEnv(): operations settings', function () {
  it('treats an empty ADMIN_TOKEN as unset (the admin API stays off)', function () {
    assert.equal(loadEnv({ ADMIN_TOKEN: '' }).ADMIN_TOKEN, undefined);
  });

  it('refuses a short ADMIN_TOKEN and a bad TEMPORAL_METRICS_ADDRESS, saying what to write instead', function () {
    assert.throws(() => loadEnv({ ADMIN_TOKEN: 'short' }), /ADMIN_TOKEN: use at least 16 characters/);
    assert.throws(() => loadEnv({ TEMPORAL_METRICS_ADDRESS: '9464' }), /TEMPORAL_METRICS_ADDRESS: host:port, e\.g\. 0\.0\.0\.0:9464/);
  });
});

describe('createLogger(): redaction', function () {
  /** One JSON line logged with `fields`, through a logger made as the service makes it. */
  function logged(fields: Record<string, unknown>): Record<string, unknown> {
    const lines: string[] = [];
    const logger = createLogger('info', 'json', { write: (line: string) => void lines.push(line) });
    logger.info(fields, 'test line');
    assert.equal(lines.length, 1);
    const parsed: unknown = JSON.parse(lines[0] ?? '');
    assert.ok(typeof parsed === 'object' && parsed !== null);
    return { ...parsed };
  }

  const signatureHeaders = Object.values(providers).flatMap((provider) => provider.signatureHeaders);

  it('redacts the value of every credential header and every provider signature header, keeping the name', function () {
    const names = [...CREDENTIAL_HEADERS, ...signatureHeaders];
    assert.ok(names.includes('authorization') && names.includes('stripe-signature') && names.includes('svix-signature'));
    const headers = Object.fromEntries(names.map((name) => [name, `value-of-${name}`]));
    const line = logged({ headers: { ...headers, 'content-type': 'application/json' } });
    assert.deepEqual(line.headers, { ...Object.fromEntries(names.map((name) => [name, '[redacted]'])), 'content-type': 'application/json' });
  });

  it("redacts Temporal's API key and a client certificate's private key, at the top and one level down", function () {
    const line = logged({
      apiKey: 'top-level-key',
      connection: { apiKey: 'nested-key', clientCertPair: { crt: 'CERT', key: 'PRIVATE' } },
      tls: { clientCertPair: { crt: 'CERT', key: 'PRIVATE' } },
    });
    const text = JSON.stringify(line);
    for (const secret of ['top-level-key', 'nested-key', 'PRIVATE']) assert.ok(!text.includes(secret), `${secret} logged: ${text}`);
    assert.ok(text.includes('CERT'), 'the certificate, which is public, is kept');
  });
});

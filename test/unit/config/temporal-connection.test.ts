import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadEnv } from '../../../src/config/env';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../../../src/config/temporal-connection';
import { makeTestPki, type TestPki } from '../../helpers/test-pki';

const ADDRESS = 'temporal.example:7233';

describe('temporalConnectionOptions(env): the TLS and API key settings', function () {
  let pki: TestPki;
  before(function () {
    pki = makeTestPki();
  });
  after(function () {
    pki?.remove();
  });

  const options = (vars: Record<string, string>): TemporalConnectionOptions => temporalConnectionOptions(loadEnv(vars), ADDRESS);

  /** The ConfigError's message, from the environment's validation or from reading the files. */
  function problem(vars: Record<string, string>): string {
    try {
      options(vars);
    } catch (err) {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      return err.message;
    }
    assert.fail('the settings were accepted');
  }

  const mtls = (): Record<string, string> => ({
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca.certPath,
    TEMPORAL_TLS_CLIENT_CERT_PATH: pki.client.certPath,
    TEMPORAL_TLS_CLIENT_KEY_PATH: pki.client.keyPath,
  });

  it('connects in plain text when nothing is set', function () {
    assert.deepEqual(options({}), { address: ADDRESS });
  });

  it('turns TLS on for TEMPORAL_TLS=true alone, with the system CAs', function () {
    assert.deepEqual(options({ TEMPORAL_TLS: 'true' }), { address: ADDRESS, tls: {} });
  });

  it('carries the CA, the client certificate pair and the server name as read from the files', function () {
    const built = options({ ...mtls(), TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' });
    assert.deepEqual(built.tls, {
      serverRootCACertificate: pki.ca.cert,
      clientCertPair: { crt: pki.client.cert, key: pki.client.key },
      serverNameOverride: 'temporal.internal',
    });
  });

  it('takes the API key from TEMPORAL_API_KEY_FILE without its trailing newline, and turns TLS on', function () {
    const file = join(pki.dir, 'key-file');
    writeFileSync(file, 'abc-123\n');
    assert.deepEqual(options({ TEMPORAL_API_KEY_FILE: file }), { address: ADDRESS, tls: {}, apiKey: 'abc-123' });
  });

  it('refuses a certificate without its key, naming the missing one', function () {
    assert.match(problem({ TEMPORAL_TLS_CLIENT_CERT_PATH: pki.client.certPath }), /TEMPORAL_TLS_CLIENT_KEY_PATH: set the client certificate and its key together/);
  });

  it('refuses a key that does not belong to the certificate', function () {
    const message = problem({ ...mtls(), TEMPORAL_TLS_CLIENT_KEY_PATH: pki.strangerClient.keyPath });
    assert.match(message, /^TEMPORAL_TLS_CLIENT_KEY_PATH: the key does not belong to the certificate in TEMPORAL_TLS_CLIENT_CERT_PATH/);
  });

  it('names the variable whose file cannot be read', function () {
    assert.match(problem({ ...mtls(), TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(pki.dir, 'missing.crt') }), /^TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read .*missing\.crt \(ENOENT\)/);
  });

  it('refuses a file that is no PEM certificate, without quoting what it holds', function () {
    const message = problem({ ...mtls(), TEMPORAL_TLS_CLIENT_CERT_PATH: pki.client.keyPath });
    assert.match(message, /^TEMPORAL_TLS_CLIENT_CERT_PATH: the file holds no valid PEM certificate/);
    assert.ok(!message.includes(pki.client.key.toString('utf8').split('\n')[1] ?? 'unreachable'), 'no key material in the message');
  });

  it('refuses a key file that holds no private key, without quoting it', function () {
    const message = problem({ ...mtls(), TEMPORAL_TLS_CLIENT_KEY_PATH: pki.client.certPath });
    assert.match(message, /^TEMPORAL_TLS_CLIENT_KEY_PATH: the file holds no valid, unencrypted PEM private key/);
  });

  it('refuses both TEMPORAL_API_KEY and TEMPORAL_API_KEY_FILE', function () {
    assert.match(problem({ TEMPORAL_API_KEY: 'k1', TEMPORAL_API_KEY_FILE: '/run/secrets/k' }), /TEMPORAL_API_KEY_FILE: set TEMPORAL_API_KEY or TEMPORAL_API_KEY_FILE, not both/);
  });

  it('refuses TEMPORAL_TLS=false with settings that need TLS, so a key never goes out in clear', function () {
    const message = problem({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'secret-key-value' });
    assert.match(message, /TEMPORAL_TLS: is false, but TEMPORAL_API_KEY needs TLS/);
    assert.ok(!message.includes('secret-key-value'));
  });

  it('refuses an API key with a space or a control character, without quoting it', function () {
    const message = problem({ TEMPORAL_API_KEY: 'abc def\r\n' });
    assert.match(message, /^TEMPORAL_API_KEY: the API key holds spaces or characters outside printable ASCII/);
    assert.ok(!message.includes('abc'));
  });
});

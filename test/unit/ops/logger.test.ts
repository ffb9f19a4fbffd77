import assert from 'node:assert/strict';
import { loadEnv } from '../../../src/config/env';
import { logFormat } from '../../../src/logger';

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

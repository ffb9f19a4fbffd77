import assert from 'node:assert/strict';
import { ConfigError, loadEnv } from '../../../src/config/env';

describe('environment settings for memory and connections', () => {
  it('defaults MAX_BUFFERED_BODY_BYTES to 64 MiB and MAX_CONNECTIONS to 1024', () => {
    const env = loadEnv({});
    assert.equal(env.MAX_BUFFERED_BODY_BYTES, 64 * 1024 * 1024);
    assert.equal(env.MAX_CONNECTIONS, 1024);
  });

  it('reads both from the environment', () => {
    const env = loadEnv({ MAX_BUFFERED_BODY_BYTES: '8388608', MAX_CONNECTIONS: '200' });
    assert.equal(env.MAX_BUFFERED_BODY_BYTES, 8_388_608);
    assert.equal(env.MAX_CONNECTIONS, 200);
  });

  it('refuses a MAX_CONNECTIONS that is not a positive integer, naming it', () => {
    for (const value of ['0', '-5', '1.5', 'many']) {
      assert.throws(() => loadEnv({ MAX_CONNECTIONS: value }), (err: unknown) => err instanceof ConfigError && /MAX_CONNECTIONS/.test(err.message));
    }
  });

  it('refuses a MAX_BUFFERED_BODY_BYTES below MAX_BODY_BYTES, naming it', () => {
    assert.throws(
      () => loadEnv({ MAX_BODY_BYTES: '2048', MAX_BUFFERED_BODY_BYTES: '1024' }),
      (err: unknown) => err instanceof ConfigError && /MAX_BUFFERED_BODY_BYTES: must be at least MAX_BODY_BYTES/.test(err.message),
    );
  });
});

describe('environment settings for the starter and load shedding', () => {
  it('defaults WORKER_MAX_CACHED_WORKFLOWS to 250 and refuses anything but a positive integer, naming it', () => {
    assert.equal(loadEnv({}).WORKER_MAX_CACHED_WORKFLOWS, 250);
    assert.equal(loadEnv({ WORKER_MAX_CACHED_WORKFLOWS: '600' }).WORKER_MAX_CACHED_WORKFLOWS, 600);
    for (const bad of ['0', '-1', '2.5', 'many']) {
      assert.throws(() => loadEnv({ WORKER_MAX_CACHED_WORKFLOWS: bad }), /WORKER_MAX_CACHED_WORKFLOWS/);
    }
  });

  it('defaults MAX_PENDING_STARTS to 10,000, STORE_SLOW_MS to 1 s and STARTER_CONCURRENCY to 16', () => {
    const env = loadEnv({});
    assert.equal(env.MAX_PENDING_STARTS, 10_000);
    assert.equal(env.STORE_SLOW_MS, 1000);
    assert.equal(env.STARTER_CONCURRENCY, 16);
  });

  it('refuses a value that is not a positive integer, naming the variable', () => {
    for (const name of ['MAX_PENDING_STARTS', 'STORE_SLOW_MS', 'STARTER_CONCURRENCY']) {
      for (const value of ['0', '-1', '2.5', 'lots']) {
        assert.throws(() => loadEnv({ [name]: value }), (err: unknown) => err instanceof ConfigError && err.message.includes(name), `${name}=${value}`);
      }
    }
  });
});

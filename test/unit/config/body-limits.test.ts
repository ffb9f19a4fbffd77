import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import pino from 'pino';
import { checkBodyLimits } from '../../../src/config/body-limits';
import { ConfigError, loadEnv } from '../../../src/config/env';
import { parseConfig } from '../../../src/config/sources';
import { startHookflow } from '../../../src/service';

const SECRET = 'body-limits-test-secret';

function config(maxBodyBytes: Record<string, number | undefined>) {
  const sources = Object.fromEntries(
    Object.entries(maxBodyBytes).map(([name, limit]) => [
      name,
      { provider: 'github', secrets: [SECRET], ...(limit === undefined ? {} : { maxBodyBytes: limit }) },
    ]),
  );
  return parseConfig({ sources }, { env: {}, defaultMaxBodyBytes: 1000, baseDir: tmpdir(), label: 'test.json' });
}

describe('checkBodyLimits(config, MAX_BUFFERED_BODY_BYTES)', () => {
  it('accepts sources whose limits fit in the budget, one exactly at it', () => {
    assert.doesNotThrow(() => checkBodyLimits(config({ a: undefined, b: 4096 }), 4096));
  });

  it('refuses each source whose maxBodyBytes is over the budget, naming it and the setting', () => {
    assert.throws(
      () => checkBodyLimits(config({ fits: 100, big: 5000, bigger: 9000 }), 4096),
      (err: unknown) =>
        err instanceof ConfigError &&
        /sources\.big\.maxBodyBytes: 5000 is over MAX_BUFFERED_BODY_BYTES \(4096\)/.test(err.message) &&
        /sources\.bigger\.maxBodyBytes/.test(err.message) &&
        !/sources\.fits/.test(err.message),
    );
  });
});

describe('startHookflow with a source over MAX_BUFFERED_BODY_BYTES', () => {
  it('refuses to start the receiver, before connecting to anything', async () => {
    const env = loadEnv({ MAX_BUFFERED_BODY_BYTES: '4096', MAX_BODY_BYTES: '1000' });
    await assert.rejects(
      startHookflow({
        env,
        config: config({ big: 5000 }),
        logger: pino({ level: 'silent' }),
        // Nothing listens here: start-up must fail on the config first.
        temporalAddress: '127.0.0.1:1',
        mongoUrl: 'mongodb://127.0.0.1:1',
        receiver: true,
        worker: false,
      }),
      (err: unknown) => err instanceof ConfigError && /sources\.big\.maxBodyBytes/.test(err.message),
    );
  });
});

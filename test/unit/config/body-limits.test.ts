import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { checkBodyLimits } from '../../../src/config/body-limits';
import { ConfigError } from '../../../src/config/env';
import { parseConfig } from '../../../src/config/sources';

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

  it("refuses each source whose maxBodyBytes is over the budget, naming it and the setting", () => {
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

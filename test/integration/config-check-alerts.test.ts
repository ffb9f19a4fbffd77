import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { standardSecret } from '../helpers/signed-event';
import { useTempDir } from '../helpers/temp-dir';

const SLACK_URL = 'https://hooks.slack.com/services/T0001/B0001/slack-token-a1b2c3';

describe('hookflow config check: alert notifiers', function () {
  const dir = useTempDir('hookflow-config-alerts-');

  it('lists each notifier with its kind and target, never the Slack URL, a secret or a query', async function () {
    const secret = standardSecret('config-check-alerts');
    const path = join(dir(), 'alerts.json');
    writeFileSync(
      path,
      JSON.stringify({
        sources: { shop: { provider: 'standard-webhooks', secrets: [standardSecret()] } },
        alerts: {
          notifiers: {
            chat: { kind: 'slack', url: { env: 'SLACK_ALERTS_URL' } },
            pager: { kind: 'webhook', url: 'https://alerts.example.com/hookflow?token=query-token-x9', secret: { env: 'ALERTS_SECRET' } },
          },
          batchWindow: '1m',
        },
      }),
    );
    const run = await runCli(['config', 'check', '--config', path], { SLACK_ALERTS_URL: SLACK_URL, ALERTS_SECRET: secret });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /chat\s+slack\s+Slack incoming webhook \(URL not shown\)\s+1m/);
    assert.match(run.stdout, /pager\s+webhook\s+https:\/\/alerts\.example\.com\/hookflow\s+1m/);
    for (const hidden of ['slack-token-a1b2c3', 'query-token-x9', secret.slice('whsec_'.length)]) assert.ok(!run.stdout.includes(hidden), `${hidden} is not printed`);
  });
});

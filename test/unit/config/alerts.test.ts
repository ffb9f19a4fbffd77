import assert from 'node:assert/strict';
import { parse, problems } from './parse-config';

const SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
const SOURCES = { shop: { provider: 'standard-webhooks', secrets: [SECRET] } };
const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';

describe('config: alerts', function () {
  it('has no notifiers and no backlog watch when the section is absent', function () {
    const { alerts } = parse({ sources: SOURCES });
    assert.equal(alerts.notifiers.size, 0);
    assert.equal(alerts.backlog, undefined);
  });

  it('reads a Slack URL and a webhook secret from the environment, with defaults for the rest', function () {
    const { alerts } = parse(
      {
        sources: SOURCES,
        alerts: {
          notifiers: {
            chat: { kind: 'slack', url: { env: 'SLACK_ALERTS_URL' } },
            ops: { kind: 'webhook', url: 'https://alerts.internal/hookflow', secret: { env: 'ALERTS_SECRET' } },
          },
          backlog: { maxOldestPendingAge: '10m' },
        },
      },
      { SLACK_ALERTS_URL: SLACK_URL, ALERTS_SECRET: SECRET },
    );
    assert.deepEqual(alerts.notifiers.get('chat'), { kind: 'slack', name: 'chat', url: SLACK_URL });
    assert.deepEqual(alerts.notifiers.get('ops'), { kind: 'webhook', name: 'ops', url: 'https://alerts.internal/hookflow', secret: SECRET });
    assert.equal(alerts.batchWindowMs, 30_000);
    assert.deepEqual(alerts.backlog, { maxOldestPendingAgeMs: 600_000, checkEveryMs: 60_000 });
  });

  it('names the variable of a notifier URL that is not set', function () {
    const message = problems({ sources: SOURCES, alerts: { notifiers: { chat: { kind: 'slack', url: { env: 'SLACK_ALERTS_URL' } } } } });
    assert.match(message, /alerts\.notifiers\.chat\.url: environment variable SLACK_ALERTS_URL is not set/);
  });

  it('refuses a webhook secret that is not whsec_ and base64, without quoting it', function () {
    const message = problems({ sources: SOURCES, alerts: { notifiers: { ops: { kind: 'webhook', url: 'https://a.example/x', secret: 'hunter2-hunter2' } } } });
    assert.match(message, /alerts\.notifiers\.ops\.secret: must be whsec_ followed by base64/);
    assert.ok(!message.includes('hunter2'));
  });

  it('refuses a Slack URL that is not an http(s) URL, without quoting it', function () {
    const message = problems({ sources: SOURCES, alerts: { notifiers: { chat: { kind: 'slack', url: 'T000/B000/secret-token' } } } });
    assert.match(message, /alerts\.notifiers\.chat\.url: not an http\(s\) URL/);
    assert.ok(!message.includes('secret-token'));
  });

  it('refuses a notifier URL written in the file when NODE_ENV=production', function () {
    const message = problems({ sources: SOURCES, alerts: { notifiers: { chat: { kind: 'slack', url: SLACK_URL } } } }, { NODE_ENV: 'production' });
    assert.match(message, /alerts\.notifiers\.chat\.url: a secret written in the config file is refused/);
  });

  it('refuses a backlog section without a threshold, or without a notifier to tell', function () {
    assert.match(problems({ sources: SOURCES, alerts: { notifiers: {}, backlog: { checkEvery: '1m' } } }), /alerts\.backlog: set at least one of maxPendingStarts/);
    assert.match(problems({ sources: SOURCES, alerts: { notifiers: {}, backlog: { maxOpenRuns: 10 } } }), /alerts\.backlog: no notifier to tell/);
  });

  it('refuses an unknown notifier kind and a batch window without a unit', function () {
    const message = problems({ sources: SOURCES, alerts: { notifiers: { x: { kind: 'email', to: 'ops@example.com' } }, batchWindow: '30' } });
    assert.match(message, /alerts\.notifiers\.x\.kind: a notifier needs "kind": "slack" or "webhook"/);
    assert.match(message, /alerts\.batchWindow: a duration such as/);
  });
});

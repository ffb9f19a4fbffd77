import assert from 'node:assert/strict';
import { addAlert } from '../../../src/alerts/digest';
import { alertLinks, slackMessage, webhookMessage } from '../../../src/alerts/messages';

const links = alertLinks('http://temporal-ui:8080', 'prod');
const at = '2026-01-01T00:00:00.000Z';

describe('alert messages', function () {
  const digest = addAlert(
    addAlert(null, { kind: 'event_parked', ref: 'shop:evt_1', source: 'shop', handlers: ['erp'], at }),
    { kind: 'breaker_opened', handler: 'e<r>p', at },
  );

  it('links the parked runs in the Temporal UI, filtered by WebhookStatus', function () {
    assert.equal(links.failedRuns, 'http://temporal-ui:8080/namespaces/prod/workflows?query=WebhookStatus%20%3D%20%22failed%22');
  });

  it('slackMessage(digest, links) is one mrkdwn text with the count, the link and each breaker change, escaped', function () {
    const { text } = slackMessage(digest, links);
    assert.match(text, /\*1 event parked\*/);
    assert.ok(text.includes(`<${links.failedRuns}|Parked runs in the Temporal UI>`));
    assert.match(text, /breaker of handler \*e&lt;r&gt;p\* opened/);
  });

  it('webhookMessage(notifier, digest, links) carries the digest, the link and the CLI command', function () {
    const message = webhookMessage('ops', digest, links);
    assert.equal(message['type'], 'hookflow.alerts');
    assert.deepEqual(message['parked'], { ...digest.parked, link: links.failedRuns, command: 'hookflow events list --status failed' });
    assert.deepEqual(message['breakers'], digest.breakers);
  });
});

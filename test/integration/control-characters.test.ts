import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Binary } from 'mongodb';
import { eventKey } from '../../src/event/key';
import { cliEnv, runCli } from '../helpers/cli';
import { useHookflow } from '../helpers/hookflow';
import { post } from '../helpers/http';
import { untilAccepting } from '../helpers/ready';
import { signStandard, standardSecret } from '../helpers/signed-event';

const SECRET = standardSecret('control-characters-source');

/** What a terminal acts on: ESC (starts a control sequence), CR, NUL, BEL, DEL and the one-character CSI U+009B. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Senders choose the event type, the headers and the body. Control characters in them must never
 * reach an operator's terminal raw: the receiver strips them from the type it stores, and the CLI
 * escapes whatever stored text it prints.
 */
describe('control characters in what senders send', function () {
  this.timeout(120_000);
  // No worker: the stored event is what matters, and nothing then changes it.
  const hookflow = useHookflow({
    config: {
      sources: {
        demo: { provider: 'standard-webhooks', secrets: [SECRET] },
        // The event ID from a body field: any character JSON can carry reaches the ID check.
        byfield: { provider: 'standard-webhooks', secrets: [SECRET], eventId: { field: 'id' } },
      },
    },
    worker: false,
    untilAccepting: 'demo',
  });

  it('stores a signed event type without its control characters and lone surrogates', async function () {
    const type = 'invoice.\u001b]8;;https://evil.example\u0007paid\r\u0000\u007f\u009b31m\ud800.late';
    const delivery = signStandard(SECRET, JSON.stringify({ type }));
    const answer = await post(`${hookflow().url}/webhooks/demo`, delivery.body, delivery.headers);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));

    const stored = await hookflow().store.get(eventKey('demo', delivery.id));
    assert.equal(stored?.eventType, 'invoice.]8;;https://evil.examplepaid31m.late');
  });

  it('stores no type at all when the type is nothing but control characters', async function () {
    const delivery = signStandard(SECRET, JSON.stringify({ type: '\u001b\r\n\u0000' }));
    const answer = await post(`${hookflow().url}/webhooks/demo`, delivery.body, delivery.headers);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal((await hookflow().store.get(eventKey('demo', delivery.id)))?.eventType, null);
  });

  it('refuses an event ID with a C1 control character (U+009B, a one-character CSI) with 400 invalid_body', async function () {
    const id = 'evt_\u009b31m';
    const delivery = signStandard(SECRET, JSON.stringify({ id, type: 'invoice.paid' }));
    const answer = await post(`${hookflow().url}/webhooks/byfield`, delivery.body, delivery.headers);
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.error, 'invalid_body');
    assert.equal(await hookflow().store.getStored(eventKey('byfield', id)), null);
  });

  describe('the CLI prints stored text escaped', function () {
    const eventId = 'evt_stored_raw';
    const id = eventKey('demo', eventId);
    const body = '{"note":"\u001b[2J\u001b[31mpwned\r\u0000"}\n{"next":"line\u009b"}';

    before(async function () {
      // As an older version (or anyone with database access) could have stored it: nothing stripped.
      const bytes = Buffer.from(body);
      await hookflow().store.collection.insertOne({
        _id: id,
        source: 'demo',
        provider: 'standard-webhooks',
        eventId,
        eventType: 'order.\u001b[31mred\u0007\r\u009b',
        body: new Binary(bytes),
        bodySha256: createHash('sha256').update(bytes).digest('hex'),
        contentType: 'application/json',
        headers: [{ name: 'x-note', value: 'a\u001b]0;title\u0007b\rc' }],
        receivedAt: new Date(),
        status: 'ignored',
        statusHistory: [{ status: 'ignored', at: new Date(), note: 'why\u001b[1m' }],
        runId: null,
      });
    });

    it('events list escapes control characters in the type', async function () {
      const run = await runCli(['events', 'list', '--source', 'demo'], cliEnv(hookflow()));
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stdout.replaceAll('\n', ''), CONTROLS);
      assert.match(run.stdout, /order\.\\x1b\[31mred\\x07\\x0d\\x9b/);
    });

    it('events show --body escapes them in the type, the headers, the history and the body, line by line', async function () {
      const run = await runCli(['events', 'show', id, '--body', '--no-query'], cliEnv(hookflow()));
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stdout.replaceAll('\n', ''), CONTROLS);
      assert.match(run.stdout, /^Type\s+order\.\\x1b\[31mred\\x07\\x0d\\x9b$/m);
      assert.match(run.stdout, /^ {2}x-note: a\\x1b\]0;title\\x07b\\x0dc$/m);
      assert.match(run.stdout, /ignored \(why\\x1b\[1m\)$/m);
      assert.match(run.stdout, /^\{"note":"\\x1b\[2J\\x1b\[31mpwned\\x0d\\x00"\}$/m);
      assert.match(run.stdout, /^\{"next":"line\\x9b"\}$/m);
    });

    it('events show --json keeps the text exact, with DEL and C1 controls escaped as JSON does C0', async function () {
      const run = await runCli(['events', 'show', id, '--body', '--json', '--no-query'], cliEnv(hookflow()));
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stdout.replaceAll('\n', ''), CONTROLS);
      const shown = JSON.parse(run.stdout) as { event: { eventType: string }; body: { text: string } };
      assert.equal(shown.event.eventType, 'order.\u001b[31mred\u0007\r\u009b');
      assert.equal(shown.body.text, body);
    });
  });
});

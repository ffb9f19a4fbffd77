import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runClosedLoop } from '../../../bench/closed-loop';
import type { Delivery } from '../../../bench/deliveries';

function delivery(i: number): Delivery {
  return {
    source: 'demo',
    provider: 'standard-webhooks',
    eventId: `evt_${i}`,
    eventType: 'test.event',
    path: '/webhooks/demo',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ i }),
    duplicate: false,
  };
}

describe('bench closed loop', () => {
  let server: Server;
  let url: string;
  /** performance.now() of the server's last answer. */
  let lastAnswerAt = 0;
  let answered = 0;

  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        answered++;
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'accepted', eventId: `evt_${answered}`, workflowId: `demo:evt_${answered}` }));
        lastAnswerAt = performance.now();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends each delivery once and times the run up to its last answer, not autocannon\'s next one-second sample', async () => {
    const startedAt = performance.now();
    const load = await runClosedLoop({ url, deliveries: Array.from({ length: 40 }, (_, i) => delivery(i)), connections: 4, maxSeconds: 10 });
    assert.equal(load.sent, 40);
    assert.equal(answered, 40);
    assert.equal(load.accepted.length, 40);
    const untilLastAnswer = lastAnswerAt - startedAt;
    // The client reads the last answer a moment after the server sends it (its clock starts a moment
    // after ours); autocannon's done would come at its sample, about a second after the start.
    assert.ok(load.durationMs >= untilLastAnswer - 20, `${load.durationMs} ms timed, the last answer ${untilLastAnswer} ms in`);
    assert.ok(load.durationMs < untilLastAnswer + 250, `${load.durationMs} ms timed, the last answer ${untilLastAnswer} ms in`);
  });
});

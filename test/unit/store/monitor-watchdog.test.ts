import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { MonitorWatchdog } from '../../../src/store/monitor-watchdog';

/** A MongoClient's heartbeat events, close and connect, recorded. */
class FakeClient extends EventEmitter {
  readonly calls: string[] = [];
  connectFails = false;
  async close(): Promise<void> {
    this.calls.push('close');
  }
  async connect(): Promise<void> {
    this.calls.push('connect');
    if (this.connectFails) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoServerSelectionError' });
  }
  heartbeat(event: 'serverHeartbeatStarted' | 'serverHeartbeatSucceeded' | 'serverHeartbeatFailed'): void {
    this.emit(event, { connectionId: 'db:27017' });
  }
}

describe('MonitorWatchdog: reconnects a MongoDB client whose server monitor hangs', () => {
  let now = 0;
  let client: FakeClient;
  let watchdog: MonitorWatchdog;
  beforeEach(() => {
    now = 0;
    client = new FakeClient();
    watchdog = new MonitorWatchdog(client, pino({ level: 'silent' }), 12_000, () => now);
    watchdog.start();
  });
  afterEach(() => watchdog.stop());

  it('leaves alone heartbeats that end, however slow, and one running within the limit', async () => {
    client.heartbeat('serverHeartbeatStarted');
    now = 11_000;
    await watchdog.check();
    client.heartbeat('serverHeartbeatFailed');
    now = 60_000;
    await watchdog.check();
    client.heartbeat('serverHeartbeatStarted');
    client.heartbeat('serverHeartbeatSucceeded');
    now = 120_000;
    await watchdog.check();
    assert.deepEqual(client.calls, []);
  });

  it('closes and connects the client again once a heartbeat has run past the limit, once', async () => {
    client.heartbeat('serverHeartbeatStarted');
    now = 12_001;
    await watchdog.check();
    assert.deepEqual(client.calls, ['close', 'connect']);
    await watchdog.check();
    assert.deepEqual(client.calls, ['close', 'connect'], 'the hung heartbeat is forgotten with the old monitor');
  });

  it('keeps trying to connect after a reconnect that found the server away, without closing again', async () => {
    client.connectFails = true;
    client.heartbeat('serverHeartbeatStarted');
    now = 20_000;
    await watchdog.check();
    await watchdog.check();
    client.connectFails = false;
    await watchdog.check();
    await watchdog.check();
    assert.deepEqual(client.calls, ['close', 'connect', 'connect', 'connect']);
  });

  it('stops listening when stopped, after the reconnect under way, and reconnects no more', async () => {
    let connected: () => void = () => {};
    client.connect = async () => {
      client.calls.push('connect');
      await new Promise<void>((resolve) => (connected = resolve));
    };
    client.heartbeat('serverHeartbeatStarted');
    now = 20_000;
    const looking = watchdog.check();
    await new Promise((resolve) => setImmediate(resolve));
    let stopped = false;
    const stopping = watchdog.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stopped, false, 'stop waits for the reconnect under way');
    connected();
    await Promise.all([looking, stopping]);
    assert.equal(client.listenerCount('serverHeartbeatStarted'), 0);
    assert.equal(client.listenerCount('serverHeartbeatSucceeded'), 0);
    client.heartbeat('serverHeartbeatStarted');
    now = 60_000;
    await watchdog.check();
    assert.deepEqual(client.calls, ['close', 'connect']);
  });
});

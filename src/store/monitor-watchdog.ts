import type { Logger } from '../logger';

/** What the watchdog needs of a MongoClient: its heartbeat events, close and connect. */
export interface WatchedClient {
  on(event: 'serverHeartbeatStarted' | 'serverHeartbeatSucceeded' | 'serverHeartbeatFailed', listener: (event: { connectionId: string }) => void): unknown;
  off(event: 'serverHeartbeatStarted' | 'serverHeartbeatSucceeded' | 'serverHeartbeatFailed', listener: (event: { connectionId: string }) => void): unknown;
  close(): Promise<void>;
  connect(): Promise<unknown>;
}

/**
 * Reconnects the MongoDB client when its server monitor hangs.
 *
 * Seen with the driver (mongodb 6.22) when every connection to the server closed at once: the
 * monitor's next heartbeat went out on its own connection before that connection's close was
 * handled, and then never settled, not even at its socket timeout. The server stayed "Unknown",
 * so every operation failed server selection, for good: a receiver answered 503
 * store_unavailable for minutes after the store was back (test/integration/ack-before-start.test.ts).
 * A heartbeat that has neither succeeded nor failed long after the monitor's own deadline is
 * such a hang; closing the client destroys the monitor with its connection, and connecting again
 * starts a new one. Collections keep working across the two: they belong to the same client.
 */
export class MonitorWatchdog {
  /** When each server's heartbeat under way started, by server address. */
  private readonly started = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** The look under way, awaited by stop(): a reconnect finishing after the service closed the client would keep it open. */
  private looking: Promise<void> | undefined;
  private stopped = false;
  /** Closed and still to connect (the server was away at the last try). */
  private toConnect = false;
  private readonly onStarted = (e: { connectionId: string }): void => void this.started.set(e.connectionId, this.now());
  private readonly onEnded = (e: { connectionId: string }): void => void this.started.delete(e.connectionId);

  constructor(
    private readonly client: WatchedClient,
    private readonly logger: Logger,
    /** A heartbeat running longer than this is hung (the driver gives one connectTimeoutMS). */
    private readonly stallMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.client.on('serverHeartbeatStarted', this.onStarted);
    this.client.on('serverHeartbeatSucceeded', this.onEnded);
    this.client.on('serverHeartbeatFailed', this.onEnded);
    this.timer = setInterval(() => void this.check(), Math.max(this.stallMs / 4, 50));
    this.timer.unref();
  }

  /** Stops watching, once any reconnect under way has ended; the caller then closes the client. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.client.off('serverHeartbeatStarted', this.onStarted);
    this.client.off('serverHeartbeatSucceeded', this.onEnded);
    this.client.off('serverHeartbeatFailed', this.onEnded);
    await this.looking;
  }

  /** One look: reconnects when a heartbeat is hung, or connects again after a reconnect that found the server away. */
  check(): Promise<void> {
    this.looking ??= this.look().finally(() => (this.looking = undefined));
    return this.looking;
  }

  private async look(): Promise<void> {
    if (this.stopped) return;
    const now = this.now();
    const hungFor = Math.max(0, ...[...this.started.values()].map((at) => now - at));
    if (!this.toConnect && hungFor <= this.stallMs) return;
    try {
      if (!this.toConnect) {
        this.logger.warn({ hungForMs: hungFor }, 'MongoDB server monitor hung; reconnecting the client');
        this.started.clear();
        await this.client.close();
        this.toConnect = true;
      }
      await this.client.connect();
      this.toConnect = false;
    } catch (err) {
      // Closed and not connected: operations fail as unavailable (503) until the next look connects.
      this.logger.warn({ err: { name: (err as Error).name } }, 'MongoDB reconnect failed; trying again');
    }
  }
}

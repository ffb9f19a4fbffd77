import type { Logger } from '../logger';
import { retryUntilDone } from './retry';

/** Webhooks are refused with 503 while the store is not set up: the sender retries later. */
export class StoreNotReadyError extends Error {
  override name = 'StoreNotReadyError';
}

/**
 * Creates the store's indexes and collections in the background, retrying while MongoDB is away,
 * so a brief outage at start-up delays readiness instead of failing the process.
 */
export class StoreSetup {
  private ready = false;
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly steps: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts setting up; resolves when that succeeded, or after the first failure (it goes on
   * retrying in the background then). A normal start is ready at once; an outage does not block it.
   */
  start(): Promise<void> {
    let failedOnce = (): void => {};
    const firstFailure = new Promise<void>((resolve) => (failedOnce = resolve));
    const attempt = async (): Promise<unknown> => {
      try {
        return await this.steps();
      } catch (err) {
        failedOnce();
        throw err;
      }
    };
    const running = retryUntilDone(attempt, { what: 'store setup (indexes)', logger: this.logger, signal: this.abort.signal }).then(
      (done) => {
        this.ready = done !== undefined;
      },
    );
    this.running = running;
    return Promise.race([running, firstFailure]);
  }

  isReady(): boolean {
    return this.ready;
  }

  /** Resolves once set up (or stopped): for tests and tools that need the indexes. */
  async settled(): Promise<boolean> {
    await this.running;
    return this.ready;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }
}

import { NativeConnection } from '@temporalio/worker';
import type { TemporalConnectionOptions } from '../config/temporal-connection';
import type { Logger } from '../logger';
import { retryUntilDone, sleep } from '../lifecycle/retry';
import type { WorkerGroup } from './worker-group';

export type WorkerState = 'connecting' | 'running' | 'stopping' | 'stopped';

export interface WorkerRunnerOptions {
  readonly connection: TemporalConnectionOptions;
  readonly logger: Logger;
  /** Builds the workers on a fresh connection. */
  readonly create: (connection: NativeConnection) => Promise<WorkerGroup>;
}

/** Wait before rebuilding a worker whose run failed, so a persistent fault does not spin. */
const RESTART_DELAY_MS = 5000;

/**
 * Runs the worker in the background: connects to Temporal with backoff (Temporal may come up after
 * hookflow), builds the worker, runs it until stopped, and starts over if it fails. `stop()` works
 * in every state, including while it is still trying to connect.
 */
export class WorkerRunner {
  private current: WorkerState = 'connecting';
  private worker: WorkerGroup | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly opts: WorkerRunnerOptions) {}

  get state(): WorkerState {
    return this.current;
  }

  start(): void {
    this.loop = this.runUntilStopped();
  }

  async stop(): Promise<void> {
    if (this.current === 'stopped') return;
    this.current = 'stopping';
    this.abort.abort();
    this.worker?.shutdown();
    await this.loop;
    this.current = 'stopped';
  }

  private async runUntilStopped(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      const built = await retryUntilDone(() => this.connectAndBuild(), {
        what: `worker connection to Temporal at ${this.opts.connection.address}`,
        logger: this.opts.logger,
        signal,
      });
      if (!built) return;
      const { connection, worker } = built.value;
      try {
        if (signal.aborted) return;
        this.worker = worker;
        this.current = 'running';
        this.opts.logger.info({ address: this.opts.connection.address }, 'worker running');
        await worker.run();
      } catch (err) {
        this.opts.logger.error({ err }, 'worker stopped with an error; starting it again');
        await sleep(RESTART_DELAY_MS, signal);
      } finally {
        this.worker = undefined;
        if (!signal.aborted) this.current = 'connecting';
        await connection.close().catch(() => {});
      }
    }
  }

  private async connectAndBuild(): Promise<{ connection: NativeConnection; worker: WorkerGroup }> {
    const connection = await NativeConnection.connect(this.opts.connection);
    try {
      return { connection, worker: await this.opts.create(connection) };
    } catch (err) {
      await connection.close().catch(() => {});
      throw err;
    }
  }
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLine, startChild, type BenchChild } from '../../bench/children';

export interface ProcessesOptions {
  readonly dir: string;
  readonly temporalAddress: string;
  readonly mongoUrl: string;
  readonly mongoDb: string;
  readonly taskQueue: string;
  readonly port: number;
  /** The config file's content (sources, handlers). */
  readonly config: unknown;
}

const DIST_SRC = join(__dirname, '..', '..', 'src');

/**
 * hookflow as it runs in production: a receiver process and a worker process, configured by the
 * environment. The worker can be killed with SIGKILL and started again; each start logs to its own
 * file, so readiness is read from that start's lines only.
 */
export class HookflowProcesses {
  receiver: BenchChild | undefined;
  worker: BenchChild | undefined;
  /** Exits of their own accord; both must stay 0. */
  receiverCrashes = 0;
  workerCrashes = 0;
  private workerStarts = 0;
  private stopping = false;
  private readonly killed = new Set<number>();
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly opts: ProcessesOptions) {
    const configFile = join(opts.dir, 'hookflow.json');
    writeFileSync(configFile, JSON.stringify(opts.config, null, 2));
    this.env = {
      ...process.env,
      TEMPORAL_ADDRESS: opts.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: opts.taskQueue,
      MONGO_URL: opts.mongoUrl,
      MONGO_DB: opts.mongoDb,
      HOOKFLOW_CONFIG: configFile,
      HOST: '127.0.0.1',
      PORT: String(opts.port),
      START_TIMEOUT_MS: '1000',
      RELAY_INTERVAL_MS: '500',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    };
    // Whatever the developer's own instance uses must not leak into the run.
    for (const name of ['METRICS_PORT', 'TEMPORAL_METRICS_ADDRESS', 'ADMIN_TOKEN']) delete this.env[name];
  }

  get receiverUrl(): string {
    return `http://127.0.0.1:${this.opts.port}`;
  }

  async startReceiver(): Promise<void> {
    const receiver = startChild({ name: 'receiver', script: join(DIST_SRC, 'receiver/main.js'), env: this.env, logFile: join(this.opts.dir, 'receiver.log') });
    this.receiver = receiver;
    this.watch(receiver, 'receiver');
    await receiver.waitFor((line) => (jsonLine(line)?.msg === 'hookflow-receiver running' ? true : undefined), 120_000);
  }

  /** Starts a worker and waits until it polls Temporal. */
  async startWorker(): Promise<void> {
    this.workerStarts++;
    const worker = startChild({
      name: `worker #${this.workerStarts}`,
      script: join(DIST_SRC, 'worker/main.js'),
      env: this.env,
      logFile: join(this.opts.dir, `worker-${this.workerStarts}.log`),
    });
    this.worker = worker;
    this.watch(worker, 'worker');
    await worker.waitFor((line) => (jsonLine(line)?.msg === 'hookflow-worker running' ? true : undefined), 300_000);
  }

  /** kill -9: no shutdown, no drain; Temporal finds out by timeouts. */
  async killWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    this.killed.add(worker.pid);
    process.kill(worker.pid, 'SIGKILL');
    await worker.exited;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([this.receiver?.stop(), this.worker?.stop()]);
  }

  /** Counts exits nobody asked for: a process that died of a fault it should have survived. */
  private watch(child: BenchChild, what: 'receiver' | 'worker'): void {
    void child.exited.then(() => {
      if (this.stopping || this.killed.has(child.pid)) return;
      if (what === 'receiver') this.receiverCrashes++;
      else this.workerCrashes++;
    });
  }
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLine, startChild, type BenchChild } from '../../bench/children';

export interface ProcessesOptions {
  readonly dir: string;
  readonly temporalAddress: string;
  /** TEMPORAL_TLS_* settings, when Temporal serves TLS. */
  readonly temporalEnv: Readonly<Record<string, string>>;
  readonly mongoUrl: string;
  readonly mongoDb: string;
  readonly taskQueue: string;
  /** One port per receiver process: as many receivers as ports, behind the sender's round robin. */
  readonly ports: readonly number[];
  /** How many worker processes poll the task queue. */
  readonly workers: number;
  /** The config file's content (sources, handlers). */
  readonly config: unknown;
}

const DIST_SRC = join(__dirname, '..', '..', 'src');

/**
 * hookflow as it runs in production: receiver processes and worker processes on the same servers,
 * configured by the environment. Any of them can be killed with SIGKILL and started again; each
 * start logs to its own file, so readiness is read from that start's lines only.
 */
export class HookflowProcesses {
  private readonly receivers: (BenchChild | undefined)[];
  private readonly workers: (BenchChild | undefined)[];
  /** Exits of their own accord; both must stay 0. */
  receiverCrashes = 0;
  workerCrashes = 0;
  private starts = 0;
  private stopping = false;
  private readonly killed = new Set<number>();
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly opts: ProcessesOptions) {
    const configFile = join(opts.dir, 'hookflow.json');
    writeFileSync(configFile, JSON.stringify(opts.config, null, 2));
    this.receivers = opts.ports.map(() => undefined);
    this.workers = Array.from({ length: opts.workers }, () => undefined);
    this.env = {
      ...process.env,
      TEMPORAL_ADDRESS: opts.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: opts.taskQueue,
      MONGO_URL: opts.mongoUrl,
      MONGO_DB: opts.mongoDb,
      HOOKFLOW_CONFIG: configFile,
      HOST: '127.0.0.1',
      START_TIMEOUT_MS: '1000',
      RELAY_INTERVAL_MS: '500',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...opts.temporalEnv,
    };
    // Whatever the developer's own instance uses must not leak into the run.
    for (const name of ['METRICS_PORT', 'TEMPORAL_METRICS_ADDRESS', 'ADMIN_TOKEN']) delete this.env[name];
  }

  get receiverUrls(): string[] {
    return this.opts.ports.map((port) => `http://127.0.0.1:${port}`);
  }

  async startAll(): Promise<void> {
    await Promise.all([...this.receivers.map((_, i) => this.startReceiver(i)), ...this.workers.map((_, i) => this.startWorker(i))]);
  }

  /** Starts receiver `index` on its port and waits until it serves. */
  async startReceiver(index: number): Promise<void> {
    const receiver = this.start('receiver', index, 'receiver/main.js', { PORT: String(this.opts.ports[index]) });
    this.receivers[index] = receiver;
    await receiver.waitFor((line) => (jsonLine(line)?.msg === 'hookflow-receiver running' ? true : undefined), 120_000);
  }

  /** Starts worker `index` and waits until it polls Temporal. */
  async startWorker(index: number): Promise<void> {
    const worker = this.start('worker', index, 'worker/main.js', {});
    this.workers[index] = worker;
    await worker.waitFor((line) => (jsonLine(line)?.msg === 'hookflow-worker running' ? true : undefined), 300_000);
  }

  /** kill -9: no shutdown, no drain; Temporal finds out by timeouts. */
  killWorker(index: number): Promise<void> {
    return this.kill(this.workers, index);
  }

  /** kill -9 while requests are in flight: whatever it stored but did not start, the relay of another starts. */
  killReceiver(index: number): Promise<void> {
    return this.kill(this.receivers, index);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.receivers, ...this.workers].map((child) => child?.stop()));
  }

  private start(what: 'receiver' | 'worker', index: number, script: string, env: NodeJS.ProcessEnv): BenchChild {
    this.starts++;
    const child = startChild({
      name: `${what} ${index + 1} (start #${this.starts})`,
      script: join(DIST_SRC, script),
      env: { ...this.env, ...env },
      logFile: join(this.opts.dir, `${what}-${index + 1}-${this.starts}.log`),
    });
    this.watch(child, what);
    return child;
  }

  private async kill(children: (BenchChild | undefined)[], index: number): Promise<void> {
    const child = children[index];
    children[index] = undefined;
    if (!child) return;
    this.killed.add(child.pid);
    process.kill(child.pid, 'SIGKILL');
    await child.exited;
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

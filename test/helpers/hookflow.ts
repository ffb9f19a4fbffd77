import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { WorkflowBundle } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import { loadEnv, type Env } from '../../src/config/env';
import { parseConfig } from '../../src/config/sources';
import { startHookflow, type RunningHookflow } from '../../src/service';
import { createMongo } from '../../src/store/mongo';
import { bundleWorkflows } from '../../src/worker/worker';
import { testServices } from '../setup/root-hooks';
import { untilAccepting } from './ready';

let bundle: Promise<WorkflowBundle> | undefined;

/** Bundling the workflows takes seconds: do it once for the whole suite. */
export function sharedWorkflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflows();
  return bundle;
}

export interface TestHookflow extends RunningHookflow {
  /** The receiver's base URL ('' when it does not run). */
  readonly url: string;
  readonly env: Env;
}

export interface TestHookflowOptions {
  /** The config file's content, e.g. `{ sources: { ... } }`. */
  readonly config: unknown;
  readonly receiver?: boolean;
  readonly worker?: boolean;
  /** Another Temporal server than the suite's (a test that stops and restarts its own). */
  readonly temporalAddress?: string;
  /** Extra environment, e.g. MONGO_DB and TEMPORAL_TASK_QUEUE to share another instance's. */
  readonly env?: Record<string, string>;
  /** Another MongoDB than the suite's (a test that stops and restarts its own). */
  readonly mongoUrl?: string;
  /** Where the logs go, e.g. a pino logger writing to a stream a test reads; default pino at LOG_LEVEL. */
  readonly logger?: Logger;
}

/**
 * A receiver (and by default a worker) on a random port, with its own database and task queue so
 * tests never see each other's events. `stop()` also drops the database.
 */
export async function startTestHookflow(opts: TestHookflowOptions): Promise<TestHookflow> {
  const services = testServices();
  const suffix = randomBytes(4).toString('hex');
  const env = loadEnv({
    HOST: '127.0.0.1',
    PORT: '0',
    MONGO_DB: `hookflow_test_${suffix}`,
    TEMPORAL_NAMESPACE: services.temporalNamespace,
    TEMPORAL_TASK_QUEUE: `hookflow-test-${suffix}`,
    LOG_LEVEL: 'silent',
    // A test machine running the whole suite on two cores sees FerretDB inserts of over a second now
    // and then; load shedding would answer 503 store_slow to tests that are not about it. The tests
    // that are set their own (ack-before-start, monitoring).
    STORE_SLOW_MS: '60000',
    // The cluster profile's TLS files: the connection every test hookflow makes is the secured one.
    ...services.temporalEnv,
    ...opts.env,
  });
  const config = parseConfig(opts.config, { defaultMaxBodyBytes: env.MAX_BODY_BYTES, baseDir: process.cwd(), label: 'test config' });
  const running = await startHookflow({
    env,
    config,
    logger: opts.logger ?? pino({ level: env.LOG_LEVEL }),
    temporalAddress: opts.temporalAddress ?? services.temporalAddress,
    mongoUrl: opts.mongoUrl ?? services.mongoUrl,
    receiver: opts.receiver ?? true,
    worker: opts.worker ?? true,
    workflowBundle: opts.worker === false ? undefined : await sharedWorkflowBundle(),
  });
  return {
    ...running,
    url: running.url ?? '',
    env,
    async stop() {
      // Stopped first: FerretDB (SQLite) can crash with SIGBUS when a database is dropped while a
      // worker still writes to it, taking every test's server down.
      await running.stop();
      await dropDatabase(opts.mongoUrl ?? services.mongoUrl, env.MONGO_DB);
    },
  };
}

/** Drops a test's database through a client of its own (the hookflow's is closed by then). */
async function dropDatabase(url: string, name: string): Promise<void> {
  const mongo = createMongo(url, name);
  try {
    await mongo.db.dropDatabase();
  } catch {
    // The server is gone (a test that stopped it): nothing to clean.
  } finally {
    await mongo.client.close();
  }
}

export interface HookflowFixtureOptions extends TestHookflowOptions {
  /** Before the tests, wait until the receiver answers an unsigned delivery to this source 401. */
  readonly untilAccepting?: string;
  /** Before the tests, check the store's indexes exist (the receiver answers 503 until then). */
  readonly storeReady?: boolean;
}

/**
 * Starts a test hookflow before the enclosing suite and stops it after it; the returned function
 * reads it inside the suite's hooks and tests. Options that need something another `before` made
 * (a destination's URL, a proxy's address) go in a function, called when the hookflow starts.
 */
export function useHookflow(options: HookflowFixtureOptions | (() => HookflowFixtureOptions)): () => TestHookflow {
  let hookflow: TestHookflow | undefined;
  before(async function () {
    const { untilAccepting: source, storeReady, ...start } = typeof options === 'function' ? options() : options;
    hookflow = await startTestHookflow(start);
    if (source !== undefined) await untilAccepting(hookflow.url, source);
    if (storeReady) assert.equal(await hookflow.storeReady(), true, 'the store is ready');
  });
  after(async function () {
    await hookflow?.stop();
  });
  return () => {
    if (!hookflow) throw new Error('useHookflow: read outside the suite, or its start failed');
    return hookflow;
  };
}

/** Starts a test hookflow for one test's `use` of it and stops it after, however `use` ends. */
export async function withTestHookflow<T>(opts: TestHookflowOptions, use: (hookflow: TestHookflow) => Promise<T>): Promise<T> {
  const hookflow = await startTestHookflow(opts);
  try {
    return await use(hookflow);
  } finally {
    await hookflow.stop();
  }
}

/**
 * The floor process: `node dist/bench/floor-main.js <job.json> <result.json>`. Runs `concurrency`
 * loops of EventStore.insert + startEventWorkflow (the receiver's own calls) over the job's events
 * and writes the latencies. Connections are opened before the clock starts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadEnv } from '../src/config/env';
import { temporalConnectionOptions } from '../src/config/temporal-connection';
import { EventStore } from '../src/store/events';
import { createMongo } from '../src/store/mongo';
import { createTemporalClient } from '../src/temporal/client';
import { startEventWorkflow } from '../src/temporal/start-event';
import type { FloorJob, FloorResult } from './floor-job';
import { floorEvent } from './floor-job';

async function main(jobFile: string, resultFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as FloorJob;
  const mongo = createMongo(job.mongoUrl, job.mongoDb);
  const store = new EventStore(mongo.db);
  const temporal = createTemporalClient(temporalConnectionOptions(loadEnv({ ...process.env, ...job.temporalEnv }), job.temporalAddress), job.temporalNamespace);
  try {
    const events = job.deliveries.map(floorEvent);
    await mongo.db.command({ ping: 1 });
    await temporal.connection.workflowService.getSystemInfo({});

    const latencies: number[] = [];
    const outcomes: Record<string, number> = {};
    let firstError: string | undefined;
    let next = 0;
    const t0 = performance.now();
    const deadline = t0 + job.maxSeconds * 1000;
    const loop = async (): Promise<void> => {
      while (next < events.length && performance.now() < deadline) {
        const event = events[next++];
        if (!event) break;
        const began = performance.now();
        const receivedAt = new Date();
        let outcome: string;
        try {
          const inserted = await store.insert({ ...event, receivedAt }, receivedAt);
          outcome = inserted.kind;
          if (inserted.kind === 'inserted') await startEventWorkflow(temporal, job.taskQueue, inserted.event, job.startTimeoutMs);
        } catch (err) {
          outcome = 'error';
          firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        }
        latencies.push(performance.now() - began);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, loop));
    const result: FloorResult = { durationMs: performance.now() - t0, latencies, outcomes, ...(firstError ? { firstError } : {}) };
    writeFileSync(resultFile, JSON.stringify(result));
  } finally {
    await temporal.connection.close();
    await mongo.client.close();
  }
}

const [jobFile, resultFile] = process.argv.slice(2);
if (!jobFile || !resultFile) {
  console.error('usage: node dist/bench/floor-main.js <job.json> <result.json>');
  process.exit(2);
}
main(jobFile, resultFile).catch((err: unknown) => {
  console.error('floor:', err);
  process.exit(1);
});

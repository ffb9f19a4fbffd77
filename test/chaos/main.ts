/**
 * `npm run chaos`: the long fault-injection run. Prints the report; exits non-zero unless every
 * acknowledged event was processed exactly once.
 *
 *   node dist/test/chaos/main.js [--events N] [--rate R] [--receivers N] [--workers N]
 *
 * With HOOKFLOW_TEMPORAL=cluster it runs on the full Temporal server on PostgreSQL; with more than
 * one receiver, one of them is killed too while the others take the stream.
 */
import type { FaultKind } from './faults';
import { formatReport, problems } from './report';
import { runChaos } from './run-chaos';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`--${name} must be a positive number`);
  return value;
}

async function main(): Promise<void> {
  const minEvents = option('events', 400);
  const receivers = option('receivers', 1);
  const killReceiver: FaultKind[] = receivers > 1 ? ['kill-receiver'] : [];
  const report = await runChaos({
    receivers,
    workers: option('workers', 1),
    minEvents,
    maxEvents: minEvents * 3,
    rate: option('rate', 2),
    plan: {
      faults: ['kill-worker', ...killReceiver, 'restart-temporal', 'stop-destination', 'kill-worker', ...killReceiver, 'restart-mongo', 'restart-temporal', 'kill-worker'],
      gapMs: 10_000,
      serverDownMs: 5_000,
      destinationDownMs: 15_000,
    },
    drainMs: 300_000,
    requestTimeoutMs: 20_000,
    log: (line) => console.log(`[chaos] ${line}`),
  });
  console.log(formatReport(report));
  const wrong = problems(report);
  if (wrong.length > 0) {
    console.error(`chaos: FAILED\n  ${wrong.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('chaos: every acknowledged event was processed exactly once');
  }
}

main().catch((err: unknown) => {
  console.error('chaos: the run itself failed', err);
  process.exitCode = 1;
});

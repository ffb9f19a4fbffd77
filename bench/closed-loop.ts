/**
 * Closed loop: `connections` keep-alive connections, each sending its next request as soon as the
 * previous one is answered, until every prepared delivery is sent or the time limit passes. Its
 * duration ends at the last answer: autocannon reports done only at its next one-second sample,
 * which added up to a second to every figure (1,500 answers in anything from 5.0 to 6.0 s read as 249/s).
 */
import autocannon from 'autocannon';
import type { Delivery } from './deliveries';
import { recordAcknowledgement, type LoadResult } from './load-result';

export interface ClosedLoopOptions {
  readonly url: string;
  readonly deliveries: readonly Delivery[];
  readonly connections: number;
  readonly maxSeconds: number;
}

export async function runClosedLoop(opts: ClosedLoopOptions): Promise<LoadResult> {
  const { deliveries } = opts;
  if (deliveries.length === 0) throw new TypeError('bench: no deliveries to send');
  let next = 0;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const acks: Pick<LoadResult, 'accepted' | 'duplicates'> = { accepted: [], duplicates: [] };
  let transportErrors = 0;
  let settle: (err: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve());
  });
  const started = process.hrtime.bigint();
  let lastAnswer: bigint | undefined;
  const options: autocannon.Options = {
    url: opts.url,
    connections: Math.min(opts.connections, deliveries.length),
    amount: deliveries.length,
    timeout: 10,
    requests: [
      {
        // Every connection takes the next prepared delivery, so none is sent twice unless planned.
        setupRequest: (req) => {
          const d = deliveries[next++ % deliveries.length];
          return d ? { ...req, method: 'POST', path: d.path, headers: { ...d.headers }, body: d.body } : req;
        },
        onResponse: (status, body) => recordAcknowledgement(acks, status, body, Date.now()),
      },
    ],
  };
  const instance = autocannon(options, (err: unknown) => settle(err));
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    lastAnswer = process.hrtime.bigint();
    latencies.push(responseTime);
    statuses[String(statusCode)] = (statuses[String(statusCode)] ?? 0) + 1;
  });
  instance.on('reqError', () => {
    lastAnswer = process.hrtime.bigint();
    transportErrors++;
  });
  const limit = setTimeout(() => instance.stop(), opts.maxSeconds * 1000);
  try {
    await done;
  } finally {
    clearTimeout(limit);
  }
  const durationMs = Number((lastAnswer ?? process.hrtime.bigint()) - started) / 1e6;
  return { sent: latencies.length + transportErrors, durationMs, latencies, statuses, transportErrors, skipped: 0, ...acks };
}

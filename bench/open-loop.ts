/**
 * Open loop: requests leave at a fixed rate whether or not earlier ones were answered, as webhooks
 * arrive from providers. Latency counts from the moment a request was due, so a stalled server
 * cannot hide its queue (no coordinated omission).
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Delivery } from './deliveries';
import { recordAcknowledgement, type LoadResult } from './load-result';

export interface OpenLoopOptions {
  readonly url: string;
  readonly deliveries: readonly Delivery[];
  /** Requests per second. */
  readonly rate: number;
  /** Requests waiting beyond this are not sent (counted as skipped), so a dead server cannot pile up sockets. */
  readonly maxInFlight: number;
  /** Answers later than this after the last send count as transport errors. */
  readonly graceSeconds: number;
}

const REQUEST_TIMEOUT_MS = 10_000;

export async function runOpenLoop(opts: OpenLoopOptions): Promise<LoadResult> {
  const target = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxInFlight });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const acks: Pick<LoadResult, 'accepted' | 'duplicates'> = { accepted: [], duplicates: [] };
  let transportErrors = 0;
  let skipped = 0;
  let sent = 0;
  let inFlight = 0;
  let lastAnswer = 0;
  // Set once the result is taken: answers or socket errors after that change nothing.
  let closed = false;
  const intervalMs = 1000 / opts.rate;
  const t0 = performance.now();

  const send = (d: Delivery, dueAt: number): void => {
    sent++;
    inFlight++;
    const finish = (status: number | undefined, body = ''): void => {
      if (closed) return;
      inFlight--;
      lastAnswer = performance.now();
      if (status === undefined) transportErrors++;
      else {
        recordAcknowledgement(acks, status, body, Date.now());
        latencies.push(lastAnswer - dueAt);
        statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
      }
    };
    const req = request(
      { agent, host: target.hostname, port: target.port, method: 'POST', path: d.path, headers: { ...d.headers, 'content-length': Buffer.byteLength(d.body) }, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => finish(res.statusCode, body));
        res.on('error', () => finish(undefined));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => finish(undefined));
    req.end(d.body);
  };

  let index = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (index < opts.deliveries.length && t0 + index * intervalMs <= now) {
        const d = opts.deliveries[index];
        const dueAt = t0 + index * intervalMs;
        index++;
        if (!d) continue;
        if (inFlight >= opts.maxInFlight) skipped++;
        else send(d, dueAt);
      }
      if (index < opts.deliveries.length) setTimeout(tick, Math.max(0, Math.min(intervalMs, t0 + index * intervalMs - performance.now())));
      else resolve();
    };
    tick();
  });
  const sendsEnded = performance.now();
  while (inFlight > 0 && performance.now() - sendsEnded < opts.graceSeconds * 1000) await sleep(20);
  closed = true;
  transportErrors += inFlight;
  agent.destroy();
  const durationMs = Math.max(lastAnswer, sendsEnded) - t0;
  return { sent, durationMs, latencies, statuses, transportErrors, skipped, ...acks };
}

import { setTimeout as sleep } from 'node:timers/promises';
import { signStandard } from '../helpers/signed-event';

/** What happened to one event on the sender's side. */
export interface SentEvent {
  readonly id: string;
  readonly body: string;
  /** Status of every attempt, 0 for a network error or a timeout. */
  readonly answers: number[];
  /** Got a 2xx at least once. */
  acknowledged: boolean;
  /** Got a 4xx: the receiver refused a correctly signed event, which must never happen. */
  refused: boolean;
}

export interface SenderOptions {
  /** The receivers' URLs: each request goes to the next, as a round-robin load balancer sends it. */
  readonly urls: readonly string[];
  readonly secret: string;
  /** Events per second. */
  readonly rate: number;
  /** Every n-th event is delivered a second time after its acknowledgement, as providers do. */
  readonly redeliverEvery: number;
  /** How long an event is retried after a 5xx or a network error before the sender gives up. */
  readonly retryForMs: number;
  /** A request without an answer after this long counts as failed and is retried. */
  readonly requestTimeoutMs: number;
}

/**
 * A provider under test conditions: a steady stream of signed events, each retried with backoff
 * (and re-signed, as providers do) after a 5xx or a network error until it is acknowledged.
 */
export class SteadySender {
  readonly events: SentEvent[] = [];
  /** 200 "duplicate" answers: a redelivery or a retry of an event already stored. */
  duplicateAnswers = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private requests = 0;

  constructor(private readonly opts: SenderOptions) {}

  /** Sends until `keepGoing` says stop (checked before each event), at the configured rate. */
  async stream(keepGoing: (sent: number) => boolean): Promise<void> {
    const started = Date.now();
    for (let n = 0; !this.stopped && keepGoing(n); n++) {
      const due = started + (n * 1000) / this.opts.rate;
      await sleep(due - Date.now());
      const event: SentEvent = {
        id: `msg_chaos_${n}_${Date.now().toString(36)}`,
        body: JSON.stringify({ type: 'chaos.event', data: { n } }),
        answers: [],
        acknowledged: false,
        refused: false,
      };
      this.events.push(event);
      const task = this.deliver(event, (n + 1) % this.opts.redeliverEvery === 0 ? 2 : 1);
      this.inFlight.add(task);
      void task.finally(() => this.inFlight.delete(task));
    }
  }

  /** Waits for every event's retries to end. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  stop(): void {
    this.stopped = true;
  }

  private async deliver(event: SentEvent, times: number): Promise<void> {
    for (let copy = 0; copy < times; copy++) {
      const deadline = Date.now() + this.opts.retryForMs;
      for (let attempt = 0; Date.now() < deadline; attempt++) {
        const status = await this.post(event);
        event.answers.push(status);
        if (status >= 200 && status < 300) {
          event.acknowledged = true;
          break;
        }
        if (status >= 400 && status < 500) {
          event.refused = true;
          return;
        }
        // Backing off as providers do (if much faster): a retry storm would only deepen an outage.
        await sleep(Math.min(500 * 2 ** attempt, 15_000));
      }
    }
  }

  private async post(event: SentEvent): Promise<number> {
    const signed = signStandard(this.opts.secret, event.body, event.id);
    try {
      const url = this.opts.urls[this.requests++ % this.opts.urls.length] ?? '';
      const res = await fetch(url, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
        signal: AbortSignal.timeout(this.opts.requestTimeoutMs),
      });
      const answer: unknown = await res.json().catch(() => undefined);
      if (res.status === 200 && typeof answer === 'object' && answer !== null && Reflect.get(answer, 'status') === 'duplicate') {
        this.duplicateAnswers++;
      }
      return res.status;
    } catch {
      return 0;
    }
  }
}

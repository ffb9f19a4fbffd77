import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request as the destination received it, and whether its Standard Webhooks signature verified. */
export interface DeliveredRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly verified: boolean;
  readonly atMs: number;
}

/**
 * An answer (with `body`, after `delayMs`, when given), or `hang`: never answer, until the client
 * gives up or the destination closes.
 */
export type Reply =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: Buffer; readonly delayMs?: number }
  | 'hang';

/** Chooses the reply to `request`, the destination's request number `index` (0-based). */
export type Behaviour = (index: number, request: DeliveredRequest) => Reply;

export const answer = (status: number): Behaviour => () => ({ status });

/** Fails the first `n` requests with `status` (and `headers`), then answers 200. */
export function failTimes(n: number, status: number, headers?: Record<string, string>): Behaviour {
  return (index) => (index < n ? { status, ...(headers ? { headers } : {}) } : { status: 200 });
}

/**
 * A stand-in for an internal service that hookflow forwards to: node:http on 127.0.0.1, a random
 * port, verifying every request with the reference `standardwebhooks` library. It can be closed
 * (connections refused) and listen again on the same port.
 */
export class Destination {
  readonly requests: DeliveredRequest[] = [];
  private readonly server: Server;
  private readonly verifier: Webhook;
  private port = 0;
  private accepted = 0;

  private constructor(
    secret: string,
    /** Replace to change the destination's mind, e.g. to fix it before a redelivery. */
    public behaviour: Behaviour,
  ) {
    this.verifier = new Webhook(secret);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const request = { method: req.method ?? '', headers: req.headers, body, verified: verifies(this.verifier, body, req.headers), atMs: Date.now() };
        const reply = this.behaviour(this.requests.push(request) - 1, request);
        if (reply === 'hang') return;
        const send = (): void => void res.writeHead(reply.status, reply.headers).end(reply.body);
        if (reply.delayMs === undefined) send();
        else setTimeout(send, reply.delayMs);
      });
    });
    this.server.on('connection', () => (this.accepted += 1));
  }

  static async start(secret: string, behaviour: Behaviour): Promise<Destination> {
    const destination = new Destination(secret, behaviour);
    await destination.listen();
    return destination;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Listens again after `close`, on the same port. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** TCP connections accepted so far: what a client's keep-alive reuse saves. */
  get connections(): number {
    return this.accepted;
  }

  /** The requests that carried this idempotency key. */
  requestsFor(idempotencyKey: string): DeliveredRequest[] {
    return this.requests.filter((r) => r.headers['idempotency-key'] === idempotencyKey);
  }

  /** Refuses connections from now on; requests in flight are cut. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/**
 * Starts a destination per behaviour (all verifying with `secret`) before the enclosing suite and
 * closes them after it; the returned function reads them, by name, inside the suite. Registered
 * before `useHookflow`, they are listening when its config names their URLs (and, mocha running
 * `after` hooks in the same order, close before that hookflow stops: a forward still in flight fails).
 */
export function useDestinations<Name extends string>(secret: string, behaviours: Record<Name, Behaviour>): () => Record<Name, Destination> {
  let destinations: Record<Name, Destination> | undefined;
  // Kept apart so `after` also closes those that started when a later one failed.
  const opened: Destination[] = [];
  before(async function () {
    const named: [string, Destination][] = [];
    for (const [name, behaviour] of Object.entries<Behaviour>(behaviours)) {
      const destination = await Destination.start(secret, behaviour);
      opened.push(destination);
      named.push([name, destination]);
    }
    destinations = Object.fromEntries(named) as Record<Name, Destination>;
  });
  after(async function () {
    await Promise.all(opened.map((destination) => destination.close()));
  });
  return () => {
    if (!destinations) throw new Error('useDestinations: read outside the suite, or its start failed');
    return destinations;
  };
}

function verifies(verifier: Webhook, body: Buffer, headers: IncomingHttpHeaders): boolean {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') plain[name] = value;
  try {
    verifier.verify(body.toString('utf8'), plain);
    return true;
  } catch {
    return false;
  }
}

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request as the destination received it, and whether its Standard Webhooks signature verified. */
export interface DeliveredRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly verified: boolean;
  readonly atMs: number;
}

/**
 * An answer (after `delayMs`, when given), or `hang`: never answer, until the client gives up or
 * the destination closes.
 */
export type Reply = { readonly status: number; readonly headers?: Record<string, string>; readonly delayMs?: number } | 'hang';

/** Chooses the reply to the request with 0-based `index`. */
export type Behaviour = (index: number) => Reply;

export const answer = (status: number): Behaviour => () => ({ status });

/** Fails the first `n` requests with `status` (and `headers`), then answers 200. */
export function failTimes(n: number, status: number, headers?: Record<string, string>): Behaviour {
  return (index) => (index < n ? { status, ...(headers ? { headers } : {}) } : { status: 200 });
}

/**
 * A stand-in for an internal service that hookflow forwards to: node:http on 127.0.0.1, a random
 * port, verifying every request with the reference `standardwebhooks` library.
 */
export class Destination {
  readonly requests: DeliveredRequest[] = [];
  private readonly server: Server;
  private readonly verifier: Webhook;
  private address = '';

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
        const index = this.requests.length;
        this.requests.push({ headers: req.headers, body, verified: verifies(this.verifier, body, req.headers), atMs: Date.now() });
        const reply = this.behaviour(index);
        if (reply === 'hang') return;
        const send = (): void => void res.writeHead(reply.status, reply.headers).end();
        if (reply.delayMs === undefined) send();
        else setTimeout(send, reply.delayMs);
      });
    });
  }

  static async start(secret: string, behaviour: Behaviour): Promise<Destination> {
    const destination = new Destination(secret, behaviour);
    await new Promise<void>((resolve, reject) => {
      destination.server.once('error', reject);
      destination.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = destination.server.address() as AddressInfo;
    destination.address = `http://127.0.0.1:${port}/hooks`;
    return destination;
  }

  get url(): string {
    return this.address;
  }

  /** The requests that carried this idempotency key. */
  requestsFor(idempotencyKey: string): DeliveredRequest[] {
    return this.requests.filter((r) => r.headers['idempotency-key'] === idempotencyKey);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
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

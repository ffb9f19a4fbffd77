import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

/**
 * The HTTP destination of the chaos run: an internal service that applies each forwarded event's
 * effect once, deduplicating by the Idempotency-Key header as hookflow asks destinations to. It can
 * be stopped (connections refused) and started again on the same port.
 */
export class IdempotentSink {
  /** Idempotency key → the body whose effect was applied. */
  readonly applied = new Map<string, Buffer>();
  /** Requests whose key had already been applied: answered 200, not applied again. */
  duplicatesSuppressed = 0;
  requests = 0;
  /** Requests without a valid Standard Webhooks signature or without a key (refused 400). */
  refused = 0;
  private server: Server | undefined;
  private readonly verifier: Webhook;

  private constructor(
    secret: string,
    private port: number,
  ) {
    this.verifier = new Webhook(secret);
  }

  static async start(secret: string): Promise<IdempotentSink> {
    const sink = new IdempotentSink(secret, 0);
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/effects`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => res.writeHead(this.receive(req.headers, Buffer.concat(chunks))).end());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address !== null && typeof address === 'object') this.port = address.port;
    this.server = server;
  }

  /** Refuses connections until `listen` is called again; requests in flight are cut. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private receive(headers: IncomingHttpHeaders, body: Buffer): number {
    this.requests++;
    const key = headers['idempotency-key'];
    if (typeof key !== 'string' || !this.verifies(headers, body)) {
      this.refused++;
      return 400;
    }
    if (this.applied.has(key)) this.duplicatesSuppressed++;
    else this.applied.set(key, body);
    return 200;
  }

  private verifies(headers: IncomingHttpHeaders, body: Buffer): boolean {
    const flat: Record<string, string> = {};
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const value = headers[name];
      if (typeof value === 'string') flat[name] = value;
    }
    try {
      this.verifier.verify(body.toString('utf8'), flat);
      return true;
    } catch {
      return false;
    }
  }
}

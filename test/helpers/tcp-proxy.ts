import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './ports';

/**
 * A TCP forwarder on a fixed local port that can be switched on and off: a server that is "not up
 * yet" (nothing listens, connections are refused) until `open()`, without touching the real one.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { readonly host: string; readonly port: number },
  ) {}

  /** A proxy to `target` ("host:port" or a mongodb:// URL's host), closed until opened. */
  static async create(target: string): Promise<TcpProxy> {
    const match = /^(?:mongodb:\/\/)?([^:/]+):(\d+)/.exec(target);
    if (!match) throw new Error(`not host:port: ${target}`);
    return new TcpProxy(await freePort(), { host: match[1] ?? '', port: Number(match[2]) });
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async open(): Promise<void> {
    const server = createServer((client) => splice(client, createConnection(this.target), this.sockets));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Stops listening and cuts every forwarded connection. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Pipes two sockets into each other until either closes, keeping both in `open` meanwhile. */
export function splice(client: Socket, upstream: Socket, open: Set<Socket>): void {
  for (const socket of [client, upstream]) {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  }
  client.pipe(upstream).pipe(client);
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
}

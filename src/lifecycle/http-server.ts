import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpServer {
  readonly url: string;
  /**
   * Stops accepting, lets requests in flight finish (answered with `Connection: close`), then
   * resolves. Connections still open after `graceMs` are cut.
   */
  close(graceMs: number): Promise<void>;
}

/** What one sender, or many, may hold of the server. */
export interface HttpLimits {
  /** A slow sender must not hold a connection for ever: past these it gets a 408 and the connection is closed. */
  readonly headersTimeoutMs: number;
  /** The whole request, body included; at least `headersTimeoutMs`. */
  readonly requestTimeoutMs: number;
  /**
   * Connections open at once; one more is closed as soon as it is accepted. Also the listen
   * backlog (the kernel caps it at net.core.somaxconn): Node's default of 511 overflows under a
   * burst of new connections, and every SYN dropped then costs its sender a 1 s retry.
   */
  readonly maxConnections: number;
}

/** How long a sender answered before its body ended may go on sending (read and thrown away). */
const LINGER_MS = 2000;

/**
 * A connection answered `Connection: close` before its request's body ended. Node would end it and
 * destroy it as soon as the answer is written: a reset under the body bytes still arriving, and a
 * sender still writing then loses the answer with it (its next write fails before it reads). So the
 * close is staged instead (RFC 9112, 9.6): our side ends after the answer, what the sender still
 * sends is read and thrown away, and the connection is cut once it closes too, or after LINGER_MS.
 */
function closeInStages(socket: Socket): void {
  // Node's destroySoon() ends the socket and destroys it on 'finish': keep the end, drop the destroy.
  socket.removeListener('finish', socket.destroy);
  socket.end();
  const cut = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once('close', () => clearTimeout(cut));
}

const DEFAULT_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 1024 };

export async function startHttpServer(
  handler: RequestListener,
  host: string,
  port: number,
  limits: HttpLimits = DEFAULT_LIMITS,
): Promise<HttpServer> {
  let draining = false;
  const server: Server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks both timeouts only this often (default 30 s, which would make 10 s up to 40 s).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    (req, res) => {
      // A keep-alive client must not send its next request to a process about to exit.
      if (draining) res.setHeader('Connection', 'close');
      const { socket } = req;
      res.once('finish', () => {
        if (res.getHeader('Connection') === 'close' && !req.complete && !socket.destroyed) closeInStages(socket);
      });
      handler(req, res);
    },
  );
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: limits.maxConnections }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = address !== null && typeof address === 'object' ? address.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    close(graceMs) {
      draining = true;
      return new Promise((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

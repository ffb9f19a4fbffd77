import { createServer, type RequestListener, type Server } from 'node:http';

export interface HttpServer {
  readonly url: string;
  /**
   * Stops accepting, lets requests in flight finish (answered with `Connection: close`), then
   * resolves. Connections still open after `graceMs` are cut.
   */
  close(graceMs: number): Promise<void>;
}

export async function startHttpServer(handler: RequestListener, host: string, port: number): Promise<HttpServer> {
  let draining = false;
  const server: Server = createServer((req, res) => {
    // A keep-alive client must not send its next request to a process about to exit.
    if (draining) res.setHeader('Connection', 'close');
    handler(req, res);
  });
  // A slow sender must not hold a connection for ever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
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

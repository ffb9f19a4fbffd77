import {
  connect as http2Connect,
  constants as h2,
  createSecureServer,
  type ClientHttp2Session,
  type Http2SecureServer,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import { X509Certificate } from 'node:crypto';
import { createConnection, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { splice } from './tcp-proxy';
import type { Issued } from './test-pki';
import { readClientCertificate } from './tls12-client-certificate';

/*
 * TLS-terminating proxies in front of the suite's dev server (plain h2c gRPC), standing in for a
 * secured Temporal: the real server behind, so every call is a real one.
 */

export interface ProxyStats {
  /** Connections whose TLS handshake succeeded (and were forwarded). */
  readonly accepted: number;
  /** Client certificates refused with a bad_certificate alert. */
  readonly refused: number;
}

/** A fatal alert in a TLS 1.2 record, in the clear as it is during the handshake. */
function fatalAlert(description: number): Buffer {
  return Buffer.from([21, 3, 3, 0, 2, 2, description]);
}

/** The alert descriptions the proxies send (RFC 8446 §6). */
export const ALERT = { badCertificate: 42, internalError: 80 } as const;

/**
 * What a self-hosted cluster with mTLS does: only a client certificate the CA signed gets through.
 * Refusals happen inside the handshake with an alert, as Temporal's server (Go) sends them: no
 * certificate gets Node's own handshake_failure, and one the CA did not sign a bad_certificate sent
 * by a front that reads the client's certificate (TLS 1.2 sends it in the clear), because Node's
 * server would only hang up after the handshake. A client certificate accepted, it forwards to
 * `target`; with nothing there it hangs up cleanly, as a TLS-terminating load balancer does.
 */
export class MtlsProxy {
  private readonly sockets = new Set<Socket>();
  private counts = { accepted: 0, refused: 0 };

  private constructor(
    private readonly front: Server,
    private readonly tlsServer: Server,
  ) {}

  static async start(opts: { readonly server: Issued; readonly clientCa: Buffer; readonly target: string }): Promise<MtlsProxy> {
    const tlsServer = createTlsServer({
      cert: opts.server.cert,
      key: opts.server.key,
      ca: opts.clientCa,
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
      maxVersion: 'TLSv1.2',
    });
    const clientCa = new X509Certificate(opts.clientCa);
    const front = createTcpServer();
    const proxy = new MtlsProxy(front, tlsServer);
    tlsServer.on('secureConnection', (client: TLSSocket) => {
      proxy.counts.accepted++;
      proxy.forward(client, opts.target);
    });
    front.on('connection', (client: Socket) => proxy.screen(client, addressOf(tlsServer), (cert) => cert.checkIssued(clientCa) && cert.verify(clientCa.publicKey)));
    await Promise.all([listen(tlsServer), listen(front)]);
    return proxy;
  }

  get address(): string {
    return addressOf(this.front);
  }

  get stats(): ProxyStats {
    return { ...this.counts };
  }

  /** Passes the client's bytes to the TLS server, unless its certificate is one `trusted` refuses. */
  private screen(client: Socket, tlsServer: string, trusted: (cert: X509Certificate) => boolean): void {
    const upstream = createConnection(hostPort(tlsServer));
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.pipe(client);
    const reading = readClientCertificate();
    let screened = false;
    client.on('data', (chunk: Buffer) => {
      if (!screened) {
        const seen = reading.push(chunk);
        if (seen?.kind === 'unreadable' || (seen?.kind === 'certificate' && !trusted(seen.leaf))) {
          this.counts.refused++;
          upstream.destroy();
          client.end(fatalAlert(ALERT.badCertificate));
          return;
        }
        screened = seen !== undefined;
      }
      upstream.write(chunk);
    });
  }

  private forward(client: TLSSocket, target: string): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    const upstream = createConnection(hostPort(target));
    const noBackend = (): void => void client.end();
    upstream.once('error', noBackend);
    upstream.once('connect', () => {
      upstream.off('error', noBackend);
      splice(client, upstream, this.sockets);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([this.front, this.tlsServer].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/** A TLS server that answers every ClientHello with one fatal alert, in the clear: `description` (RFC 8446 §6). */
export class AlertingServer {
  private constructor(private readonly server: Server) {}

  static async start(description: number): Promise<AlertingServer> {
    const server = createTcpServer((client) => {
      client.on('error', () => client.destroy());
      client.once('data', () => client.end(fatalAlert(description)));
    });
    await listen(server);
    return new AlertingServer(server);
  }

  get address(): string {
    return addressOf(this.server);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Decides a call from its path and headers: a gRPC status to answer with, or undefined to forward it. */
export type CallGate = (path: string, headers: IncomingHttpHeaders) => number | undefined;

/** Temporal Cloud's API-key check: each call carries `authorization: Bearer <key>`, else UNAUTHENTICATED (16). */
export function requireApiKey(apiKey: string): CallGate {
  return (_path, headers) => (headers.authorization === `Bearer ${apiKey}` ? undefined : 16);
}

/**
 * An HTTP/2 proxy that terminates TLS and forwards each gRPC call (headers, data, trailers) to the
 * dev server, unless its gate answers the call itself with a gRPC status.
 */
export class GrpcGateway {
  private upstream: ClientHttp2Session | undefined;
  private readonly sessions = new Set<ServerHttp2Session>();
  private readonly refusedPaths: string[] = [];
  private forwardedCount = 0;

  private constructor(
    private readonly server: Http2SecureServer,
    private readonly target: string,
  ) {}

  static async start(opts: { readonly server: Issued; readonly target: string; readonly gate: CallGate }): Promise<GrpcGateway> {
    const server = createSecureServer({ cert: opts.server.cert, key: opts.server.key });
    const gateway = new GrpcGateway(server, opts.target);
    server.on('session', (session) => {
      gateway.sessions.add(session);
      session.on('close', () => gateway.sessions.delete(session));
    });
    server.on('stream', (stream, headers) => {
      const path = String(headers[':path']);
      const status = opts.gate(path, headers);
      if (status === undefined) gateway.forward(stream, headers);
      else gateway.refuse(stream, path, status);
    });
    await listen(server);
    return gateway;
  }

  get address(): string {
    return addressOf(this.server);
  }

  /** The paths of the calls the gate answered itself. */
  get refused(): readonly string[] {
    return [...this.refusedPaths];
  }

  get forwarded(): number {
    return this.forwardedCount;
  }

  private refuse(stream: ServerHttp2Stream, path: string, status: number): void {
    this.refusedPaths.push(path);
    // A "trailers-only" answer, as gRPC servers send for an error.
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(status), 'grpc-message': 'refused by the test gateway' }, { endStream: true });
  }

  private forward(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    this.forwardedCount++;
    const outgoing: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      if (name === 'authorization' || (name.startsWith(':') && name !== ':method' && name !== ':path')) continue;
      outgoing[name] = value;
    }
    const request = this.session().request(outgoing);
    let trailers: OutgoingHttpHeaders = {};
    request.on('response', (responseHeaders) => {
      const answer = withoutPseudoHeaders(responseHeaders);
      if (responseHeaders['grpc-status'] !== undefined) {
        // Trailers-only: the status is already in these headers.
        stream.respond({ ...answer, ':status': responseHeaders[':status'] }, { endStream: true });
        return;
      }
      stream.respond({ ...answer, ':status': responseHeaders[':status'] }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers(trailers));
      request.pipe(stream);
    });
    request.on('trailers', (received) => (trailers = withoutPseudoHeaders(received)));
    request.on('error', () => stream.close(h2.NGHTTP2_INTERNAL_ERROR));
    stream.on('error', () => request.close(h2.NGHTTP2_CANCEL));
    stream.on('close', () => {
      if (!request.closed) request.close(h2.NGHTTP2_CANCEL);
    });
    stream.pipe(request);
  }

  private session(): ClientHttp2Session {
    if (!this.upstream || this.upstream.closed || this.upstream.destroyed) {
      this.upstream = http2Connect(`http://${this.target}`);
      this.upstream.on('error', () => this.upstream?.destroy());
    }
    return this.upstream;
  }

  async close(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    this.upstream?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function withoutPseudoHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(':')));
}

function hostPort(address: string): { host: string; port: number } {
  const [host = '127.0.0.1', port = '7233'] = address.split(':');
  return { host, port: Number(port) };
}

function addressOf(server: Server | Http2SecureServer): string {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy is not listening on TCP');
  return `127.0.0.1:${address.port}`;
}

function listen(server: Server | Http2SecureServer): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

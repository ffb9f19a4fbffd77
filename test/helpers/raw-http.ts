import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Readable } from 'node:stream';

export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The JSON answer, or `{}` when the answer is not JSON. */
  readonly body: Record<string, unknown>;
  /** The answer's body as text. */
  readonly text: string;
  /** Set when the request body was a stream: whether it had ended when the answer's headers arrived. */
  readonly bodyEndedBeforeAnswer?: boolean;
}

export interface RawRequestOptions {
  readonly method?: string;
  /**
   * Sent as given, plus Host, Content-Length for a whole body unless given, and
   * Transfer-Encoding: chunked for a stream without Content-Length.
   */
  readonly headers?: OutgoingHttpHeaders;
  /**
   * A Buffer or string is sent whole. A stream is piped as it produces data, so a test can keep the
   * request open (a stream that never ends) and see whether the server answers before the body is
   * complete. Once the answer arrives the request is torn down.
   */
  readonly body?: Buffer | string | Readable;
  /**
   * The request target, sent exactly as given: `url` parsed as a URL would lose `/./` and `/../`
   * segments, which a test of path tricks must send.
   */
  readonly path?: string;
  /** The client's own address, e.g. `127.0.0.7`: the server sees each loopback address as another client. */
  readonly localAddress?: string;
}

/**
 * One request through node:http, for what fetch cannot send: no Content-Type at all, a chunked
 * body that grows while the server reads it, or a request the server must answer before it ends.
 */
export function rawRequest(url: string, opts: RawRequestOptions = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const body = opts.body;
    const stream = body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body) ? body : undefined;
    let streamEnded = false;
    const headers: OutgoingHttpHeaders = { ...opts.headers };
    // node:http adds Content-Length to a whole body only for some methods (not DELETE or OPTIONS).
    const declared = Object.keys(headers).some((name) => name.toLowerCase() === 'content-length');
    if ((typeof body === 'string' || Buffer.isBuffer(body)) && !declared) headers['content-length'] = Buffer.byteLength(body);
    const req = request(url, {
      method: opts.method ?? 'POST',
      headers,
      ...(opts.path === undefined ? {} : { path: opts.path }),
      ...(opts.localAddress === undefined ? {} : { localAddress: opts.localAddress }),
    });
    let answered = false;
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.on('response', (res) => {
      answered = true;
      const endedBeforeAnswer = streamEnded;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        if (stream) {
          stream.unpipe(req);
          stream.destroy();
          req.destroy();
        }
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: parseJsonObject(text),
          text,
          ...(stream ? { bodyEndedBeforeAnswer: endedBeforeAnswer } : {}),
        });
      });
    });
    if (stream) {
      stream.on('end', () => {
        streamEnded = true;
      });
      req.flushHeaders();
      stream.pipe(req);
    } else {
      req.end(body);
    }
  });
}

/**
 * Writes `head` (request line and headers, CRLF-separated, as given) straight to a socket, for
 * headers node:http refuses to send, and returns the status code of the answer.
 */
export function rawSocketStatus(url: string, head: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      received += text;
      const match = /^HTTP\/1\.[01] (\d{3}) /.exec(received);
      if (match?.[1]) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed without a status line: ${JSON.stringify(received)}`)));
    socket.write(Buffer.from(head, 'latin1'));
  });
}

function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {};
  } catch {
    return {};
  }
}

import { connect } from 'node:net';

export interface SlowUpload {
  /** Header lines after the request line (Host and the framing header are added). */
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes of body to send; the last one is held back until `holdMs` has passed. */
  readonly bodyBytes: number;
  /** Content-Length (declared up front) or chunked (no length, the body grows chunk by chunk). */
  readonly framing: 'content-length' | 'chunked';
  /** How long the upload holds its last byte, once the rest is sent, before it sends it. */
  readonly holdMs: number;
  /** How long the upload waits for an answer, from its first byte, before it gives up and hangs up. */
  readonly giveUpMs: number;
}

export interface UploadOutcome {
  /** The answer's status, or undefined when the connection closed (or the upload gave up) without one. */
  readonly status: number | undefined;
  /** The answer's JSON body, when it has one. */
  readonly answer: Record<string, unknown> | undefined;
  /** Its `error`, when it has one. */
  readonly error: string | undefined;
  readonly retryAfter: string | undefined;
  /** Whether the server closed its side of the connection right after the answer. */
  readonly closedAfterAnswer: boolean;
  /** What went wrong with the connection, if anything did (a reset is one way of being refused). */
  readonly socketError: string | undefined;
  /** Body bytes written before the answer (or the end) arrived. */
  readonly bodyBytesSentBeforeAnswer: number;
  /** Milliseconds from the connection's establishment to the answer, when both happened. */
  readonly answeredAfterMs: number | undefined;
}

/** One piece of body data, shared by every upload: the uploads hold no memory of their own. */
const PIECE = Buffer.alloc(16 * 1024, 0x20);
const PIECE_EVERY_MS = 100;
/** The head goes out first, alone: a server that refuses from the headers can answer before any body. */
const BODY_AFTER_MS = 100;
/** How soon after its answer the server is expected to close its side, when it does. */
const CLOSE_WITHIN_MS = 1000;

/**
 * One upload over a raw socket, as a slow or hostile sender would make it: the request head as soon
 * as the connection is up, then the body in 16 KiB pieces every 100 ms, all but its last byte; that
 * last byte only after `holdMs`. Stops writing as soon as the server answers or closes. The schedule
 * starts at the connection, not before it: under a burst of connections the kernel may take a SYN
 * retry (1 s, then 3 s) to connect one, and bytes queued before that were never sent.
 */
export function slowUpload(url: string, path: string, upload: SlowUpload): Promise<UploadOutcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    let sent = 0;
    let sentBeforeAnswer: number | undefined;
    let closedAfterAnswer = false;
    const timers: NodeJS.Timeout[] = [];
    socket.setEncoding('latin1');
    let socketError: string | undefined;
    const opened = Date.now();
    let connectedAt: number | undefined;
    let answeredAt: number | undefined;
    socket.on('connect', () => {
      connectedAt = Date.now();
      send();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const state = connectedAt === undefined ? 'never connected' : 'connected';
      socketError = `${err.code ?? err.message} after ${Date.now() - opened} ms (${state}), ${sent} body bytes sent`;
    });

    const answered = (): boolean => /^HTTP\/1\.1 \d{3} /.test(received);
    const framed = (data: Buffer): Buffer[] =>
      upload.framing === 'chunked' ? [Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')] : [data];
    const write = (data: Buffer): void => {
      if (socket.destroyed || answered()) return;
      for (const part of framed(data)) socket.write(part);
      sent += data.length;
    };

    socket.on('data', (text: string) => {
      received += text;
      if (sentBeforeAnswer === undefined && answered()) {
        sentBeforeAnswer = sent;
        answeredAt = Date.now();
      }
      // The whole answer is in: give the server a moment to close its side, then hang up.
      const [head = '', body] = received.split('\r\n\r\n', 2);
      const length = /^content-length: *(\d+)/im.exec(head)?.[1];
      if (body !== undefined && length !== undefined && Buffer.byteLength(body, 'latin1') >= Number(length)) {
        timers.push(setTimeout(() => socket.destroy(), CLOSE_WITHIN_MS));
      }
    });
    socket.on('end', () => {
      if (answered()) closedAfterAnswer = true;
    });
    socket.on('close', () => {
      for (const timer of timers) clearTimeout(timer);
      const [head = '', body = ''] = received.split('\r\n\r\n', 2);
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1];
      const answer = jsonObject(body);
      resolve({
        status: status === undefined ? undefined : Number(status),
        answer,
        error: typeof answer?.error === 'string' ? answer.error : undefined,
        retryAfter: /^retry-after: *(.*)$/im.exec(head)?.[1]?.trim(),
        closedAfterAnswer,
        socketError,
        bodyBytesSentBeforeAnswer: sentBeforeAnswer ?? sent,
        answeredAfterMs: answeredAt === undefined || connectedAt === undefined ? undefined : answeredAt - connectedAt,
      });
    });

    const send = (): void => {
      const framing = upload.framing === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${upload.bodyBytes}`;
      const lines = Object.entries(upload.headers).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${lines.join('')}${framing}\r\n\r\n`);

      const allButLast = upload.bodyBytes - 1;
      const pieces = Math.ceil(allButLast / PIECE.length);
      for (let i = 0; i < pieces; i++) {
        const size = Math.min(PIECE.length, allButLast - i * PIECE.length);
        timers.push(setTimeout(() => write(PIECE.subarray(0, size)), BODY_AFTER_MS + i * PIECE_EVERY_MS));
      }
      const lastAt = BODY_AFTER_MS + pieces * PIECE_EVERY_MS + upload.holdMs;
      timers.push(
        setTimeout(() => {
          write(PIECE.subarray(0, 1));
          if (upload.framing === 'chunked' && !socket.destroyed && !answered()) socket.write('0\r\n\r\n');
        }, lastAt),
      );
    };
    timers.push(setTimeout(() => socket.destroy(), upload.giveUpMs));
  });
}

/**
 * Runs `count` uploads, opening their connections in waves of 50 every 20 ms (a burst of thousands
 * at once would overflow the listen backlog and measure SYN retries instead), and resolves with
 * every outcome.
 */
export async function slowUploads(count: number, start: (index: number) => Promise<UploadOutcome>): Promise<UploadOutcome[]> {
  const WAVE = 50;
  const outcomes: Promise<UploadOutcome>[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % WAVE === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    outcomes.push(start(i));
  }
  return Promise.all(outcomes);
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ...value };
  } catch {
    // not a JSON answer
  }
  return undefined;
}

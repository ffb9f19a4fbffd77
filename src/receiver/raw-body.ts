import type { IncomingMessage } from 'node:http';
import type { BodyReservation } from './body-budget';
import { ReceiverRefusal } from './refusals';

/**
 * Reads the request body as bytes, refusing it as soon as it passes `limit`: a declared
 * Content-Length over the limit is refused before reading anything, and a body sent without one
 * is cut off while streaming, so an oversized upload is never buffered whole. With a `reservation`
 * (unauthenticated webhook bodies), each chunk is covered by it as it arrives: only bytes really
 * received count, so a sender that declares a large Content-Length and sends nothing holds nothing.
 * The admin API's bodies (behind its token, 16 KiB at most) take none.
 */
export async function readRawBody(req: IncomingMessage, limit: number, reservation?: BodyReservation): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge(limit);
      reservation?.cover(size);
      chunks.push(chunk);
    }
  } catch (err) {
    // The sender hung up or broke the framing (a bad chunk) mid-body: a bad request, not our error.
    if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') throw new ReceiverRefusal('invalid_body', 'Request body incomplete');
    throw err;
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(limit: number): ReceiverRefusal {
  return new ReceiverRefusal('payload_too_large', `Body larger than ${limit} bytes`);
}

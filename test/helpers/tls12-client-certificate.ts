import { X509Certificate } from 'node:crypto';

/** What the client's side of a TLS 1.2 handshake showed before it went encrypted. */
export type ClientCertificate =
  | { readonly kind: 'certificate'; readonly leaf: X509Certificate }
  /** An empty Certificate message, or none before ChangeCipherSpec (a resumed session). */
  | { readonly kind: 'none' }
  /** A Certificate message whose leaf does not parse: a certificate to refuse. */
  | { readonly kind: 'unreadable' };

const RECORD_HEADER = 5;
const HANDSHAKE_RECORD = 22;
const HANDSHAKE_HEADER = 4;
const CERTIFICATE_MESSAGE = 11;

/**
 * Follows the bytes a TLS 1.2 client sends, in the clear until its ChangeCipherSpec (RFC 5246 §6.2,
 * §7.4.6): `push` each chunk; it returns the client's certificate once its Certificate message is
 * in, or 'none', and undefined while it needs more bytes.
 */
export function readClientCertificate(): { push(chunk: Buffer): ClientCertificate | undefined } {
  let records = Buffer.alloc(0);
  let messages = Buffer.alloc(0);
  return {
    push(chunk) {
      records = Buffer.concat([records, chunk]);
      while (records.length >= RECORD_HEADER) {
        const end = RECORD_HEADER + records.readUInt16BE(3);
        if (records.length < end) return undefined;
        const [type, fragment] = [records[0], records.subarray(RECORD_HEADER, end)];
        records = records.subarray(end);
        if (type !== HANDSHAKE_RECORD) return { kind: 'none' };
        messages = Buffer.concat([messages, fragment]);
        while (messages.length >= HANDSHAKE_HEADER) {
          const messageEnd = HANDSHAKE_HEADER + messages.readUIntBE(1, 3);
          if (messages.length < messageEnd) break;
          const [messageType, body] = [messages[0], messages.subarray(HANDSHAKE_HEADER, messageEnd)];
          messages = messages.subarray(messageEnd);
          if (messageType === CERTIFICATE_MESSAGE) return leafOf(body);
        }
      }
      return undefined;
    },
  };
}

/** certificate_list: a 3-byte length, then each certificate as a 3-byte length and its DER, the leaf first. */
function leafOf(body: Buffer): ClientCertificate {
  if (body.length < 3 || body.readUIntBE(0, 3) === 0) return { kind: 'none' };
  if (body.length < 6) return { kind: 'unreadable' };
  try {
    return { kind: 'certificate', leaf: new X509Certificate(body.subarray(6, 6 + body.readUIntBE(3, 3))) };
  } catch {
    return { kind: 'unreadable' };
  }
}

import { connect as tcpConnect, isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsOptions } from 'node:tls';
import { Connection } from '@temporalio/client';
import { ConfigError } from '../config/env';
import type { TemporalConnectionOptions } from '../config/temporal-connection';
import { GRPC, grpcCode, grpcDetails } from './grpc-status';

/**
 * Temporal accepted the settings, or could not be asked (down, unreachable, or a hang-up that may
 * be a refusal or a proxy with nothing behind it): only a refusal that says so throws.
 */
export type TemporalAccess =
  | { readonly outcome: 'accepted' }
  | {
      readonly outcome: 'unreachable';
      /** What the way the connection ended may also mean (a setting to check), for the warning. */
      readonly possibleCause?: string;
    };

const ACCEPTED: TemporalAccess = { outcome: 'accepted' };
const UNREACHABLE: TemporalAccess = { outcome: 'unreachable' };

/**
 * Asks Temporal whether it accepts this process's connection settings: the TLS handshake (server
 * certificate, client certificate) and then a call with the credentials. A refusal is a setting to
 * fix, so it throws a ConfigError naming it: a TLS alert refusing the client certificate, or an
 * UNAUTHENTICATED / PERMISSION_DENIED answer. Temporal being down is not (hookflow starts anyway and
 * connects once it is up), so that resolves 'unreachable'; so does a hang-up right after the
 * handshake, which a TLS-terminating load balancer does while Temporal behind it restarts.
 */
export async function checkTemporalAccess(options: TemporalConnectionOptions, timeoutMs: number): Promise<TemporalAccess> {
  // First the transport alone: it tells "down" from "refused" at once, where gRPC would wait out its
  // timeout reporting UNAVAILABLE for both.
  const transport = await probeTransport(options, timeoutMs);
  if (transport.outcome === 'unreachable') return transport;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...options, connectTimeout: timeoutMs });
    const open = connection;
    await open.withDeadline(Date.now() + timeoutMs, () => open.workflowService.getSystemInfo({}));
    return ACCEPTED;
  } catch (err) {
    const code = grpcCode(err);
    if (code === GRPC.UNAUTHENTICATED) throw new ConfigError(credentialsRefused(options, 'UNAUTHENTICATED'));
    if (code === GRPC.PERMISSION_DENIED) throw new ConfigError(`${credentialsRefused(options, 'PERMISSION_DENIED')} (${grpcDetails(err)})`);
    return UNREACHABLE;
  } finally {
    await connection?.close();
  }
}

function credentialsRefused(options: TemporalConnectionOptions, status: string): string {
  const at = `Temporal at ${options.address}`;
  if (options.apiKey !== undefined) return `${at} refused the API key (${status}): check TEMPORAL_API_KEY or TEMPORAL_API_KEY_FILE`;
  if (options.tls?.clientCertPair) {
    return `${at} refused the client certificate (${status}): check TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH`;
  }
  return `${at} requires credentials (${status}): set TEMPORAL_API_KEY, or a client certificate with TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH`;
}

/** The client's half of an HTTP/2 start: the preface and an empty SETTINGS frame. */
const H2_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

/** Errors that say nothing about the settings: no server there (yet), or the network between. */
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A TCP connection, or a TLS handshake with the same settings as gRPC's whose error code says what
 * was refused. With TLS 1.3 the server judges the client certificate after the client's side of
 * the handshake is done, so it waits for the server's first HTTP/2 frame: a refusal arrives as an
 * alert then.
 */
function probeTransport(options: TemporalConnectionOptions, timeoutMs: number): Promise<TemporalAccess> {
  const { host, port } = splitAddress(options.address);
  const tls = options.tls;
  if (tls === undefined) {
    return new Promise((resolve) => {
      const socket = tcpConnect({ host, port }, () => {
        socket.destroy();
        resolve(ACCEPTED);
      });
      socket.setTimeout(timeoutMs, () => socket.destroy());
      socket.once('close', () => resolve(UNREACHABLE));
      socket.once('error', () => socket.destroy());
    });
  }
  const name = tls.serverNameOverride ?? (isIP(host) === 0 ? host : undefined);
  const socketOptions: TlsOptions = {
    host,
    port,
    ALPNProtocols: ['h2'],
    ...(name === undefined ? {} : { servername: name }),
    ...(tls.serverRootCACertificate ? { ca: Buffer.from(tls.serverRootCACertificate) } : {}),
    ...(tls.clientCertPair ? { cert: Buffer.from(tls.clientCertPair.crt), key: Buffer.from(tls.clientCertPair.key) } : {}),
  };
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(socketOptions, () => socket.write(H2_PREFACE));
    const settle = (outcome: TemporalAccess | ConfigError): void => {
      socket.destroy();
      if (outcome instanceof ConfigError) reject(outcome);
      else resolve(outcome);
    };
    let handshakeDone = false;
    socket.once('secureConnect', () => (handshakeDone = true));
    socket.setTimeout(timeoutMs, () => settle(UNREACHABLE));
    socket.once('data', () => settle(ACCEPTED));
    socket.once('close', () => {
      // No alert, no answer to the HTTP/2 preface (which any gRPC server answers): a TLS-terminating
      // proxy with no Temporal behind it right now, or a server that judges client certificates
      // after the handshake and just hangs up (Node's does). An outage must not stop hookflow, so
      // this starts it, with the certificate named as a possible cause.
      settle(handshakeDone ? { outcome: 'unreachable', possibleCause: hungUpAfterHandshake(options) } : UNREACHABLE);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.name;
      if (NETWORK_ERRORS.has(code)) settle(UNREACHABLE);
      else if (isAlert(code) && !REFUSAL_ALERT.test(code)) settle({ outcome: 'unreachable', possibleCause: `TLS alert ${code}` });
      else settle(new ConfigError(tlsRefusal(options, host, code)));
    });
  });
}

/** Node's codes for a server certificate that does not chain to a trusted CA. */
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);

function tlsRefusal(options: TemporalConnectionOptions, host: string, code: string): string {
  const at = `TLS with Temporal at ${options.address} failed (${code})`;
  if (UNTRUSTED_CERTIFICATE.has(code)) return `${at}: its certificate is not trusted; set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `${at}: its certificate is not issued for ${options.tls?.serverNameOverride ?? host}; set TEMPORAL_TLS_SERVER_NAME to a name it holds`;
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER') return `${at}: the server does not speak TLS there; check TEMPORAL_ADDRESS and TEMPORAL_TLS`;
  // The server refused what we presented: the client certificate, or the lack of one.
  if (REFUSAL_ALERT.test(code)) {
    return options.tls?.clientCertPair
      ? `${at}: the server refused the client certificate; check TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH`
      : `${at}: the server requires a client certificate; set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH`;
  }
  return `${at}: check the TEMPORAL_TLS_* settings`;
}

function isAlert(code: string): boolean {
  return code.includes('_ALERT_');
}

/**
 * Node's codes for the alerts a server sends when it refuses the client certificate or its absence
 * (bad certificate, unknown CA, certificate required, handshake failure and kin); other alerts
 * (an internal error, say) are no verdict on the settings.
 */
const REFUSAL_ALERT = /_ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_[A-Z]+|UNSUPPORTED_CERTIFICATE|HANDSHAKE_FAILURE|ACCESS_DENIED)$/;

function hungUpAfterHandshake(options: TemporalConnectionOptions): string {
  const settings = options.tls?.clientCertPair
    ? 'the server refused the client certificate (check TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH)'
    : 'the server requires a client certificate (set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH)';
  return `it completed the TLS handshake and hung up without an alert: a TLS proxy with no Temporal behind it yet, or ${settings}`;
}

/** host:port, with IPv6 hosts in brackets as gRPC writes them. */
function splitAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!match) return { host: address, port: 7233 };
  return { host: match[1] ?? address, port: Number(match[2]) };
}

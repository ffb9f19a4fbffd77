import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError, TEMPORAL_TLS_SETTINGS, type Env } from './env';

/**
 * How to reach Temporal: what `Connection.lazy`/`connect` (the client) and `NativeConnection.connect`
 * (the worker) both accept. It holds key material: never log it.
 */
export interface TemporalConnectionOptions {
  readonly address: string;
  /** Absent: a plain connection. */
  readonly tls?: TLSConfig;
  readonly apiKey?: string;
}

/**
 * The one place that builds the connection to Temporal, for the receiver, the worker and the CLI:
 * reads the TLS files and the API key named by the environment and checks them (readable, PEM that
 * parses, a key that belongs to its certificate), so a mistake stops the process at start-up with
 * the variable to fix. Messages name variables and paths, never what the files hold.
 */
export function temporalConnectionOptions(env: Env, address: string): TemporalConnectionOptions {
  const apiKey = readApiKey(env);
  const tlsOn = env.TEMPORAL_TLS ?? TEMPORAL_TLS_SETTINGS.some((name) => env[name] !== undefined);
  if (!tlsOn) return { address };
  const tls: TLSConfig = {};
  if (env.TEMPORAL_TLS_SERVER_CA_CERT_PATH !== undefined) {
    const ca = readPem('TEMPORAL_TLS_SERVER_CA_CERT_PATH', env.TEMPORAL_TLS_SERVER_CA_CERT_PATH);
    parseCertificate('TEMPORAL_TLS_SERVER_CA_CERT_PATH', ca);
    tls.serverRootCACertificate = ca;
  }
  if (env.TEMPORAL_TLS_CLIENT_CERT_PATH !== undefined && env.TEMPORAL_TLS_CLIENT_KEY_PATH !== undefined) {
    const crt = readPem('TEMPORAL_TLS_CLIENT_CERT_PATH', env.TEMPORAL_TLS_CLIENT_CERT_PATH);
    const key = readPem('TEMPORAL_TLS_CLIENT_KEY_PATH', env.TEMPORAL_TLS_CLIENT_KEY_PATH);
    const certificate = parseCertificate('TEMPORAL_TLS_CLIENT_CERT_PATH', crt);
    if (!certificate.checkPrivateKey(parsePrivateKey(key))) {
      throw new ConfigError(
        'TEMPORAL_TLS_CLIENT_KEY_PATH: the key does not belong to the certificate in TEMPORAL_TLS_CLIENT_CERT_PATH; set the pair issued together',
      );
    }
    tls.clientCertPair = { crt, key };
  }
  if (env.TEMPORAL_TLS_SERVER_NAME !== undefined) tls.serverNameOverride = env.TEMPORAL_TLS_SERVER_NAME;
  return { address, tls, ...(apiKey === undefined ? {} : { apiKey }) };
}

function readApiKey(env: Env): string | undefined {
  if (env.TEMPORAL_API_KEY !== undefined) return checkedApiKey('TEMPORAL_API_KEY', env.TEMPORAL_API_KEY);
  if (env.TEMPORAL_API_KEY_FILE === undefined) return undefined;
  // A trailing newline is an editor's, not the key's.
  return checkedApiKey('TEMPORAL_API_KEY_FILE', read('TEMPORAL_API_KEY_FILE', env.TEMPORAL_API_KEY_FILE).toString('utf8').trim());
}

/** The key becomes an HTTP header: a stray control character would only fail later, less clearly. */
function checkedApiKey(variable: string, key: string): string {
  if (key === '') throw new ConfigError(`${variable}: the API key is empty`);
  if (!/^[\x21-\x7e]+$/.test(key)) throw new ConfigError(`${variable}: the API key holds spaces or characters outside printable ASCII`);
  return key;
}

function read(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const reason = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unreadable';
    throw new ConfigError(`${variable}: cannot read ${path} (${reason})`);
  }
}

function readPem(variable: string, path: string): Buffer {
  const pem = read(variable, path);
  if (!pem.includes('-----BEGIN ')) throw new ConfigError(`${variable}: ${path} is not a PEM file (no -----BEGIN line)`);
  return pem;
}

function parseCertificate(variable: string, pem: Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new ConfigError(`${variable}: the file holds no valid PEM certificate`);
  }
}

function parsePrivateKey(pem: Buffer): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    // Node's message can quote the input: say only what is wrong.
    throw new ConfigError('TEMPORAL_TLS_CLIENT_KEY_PATH: the file holds no valid, unencrypted PEM private key');
  }
}

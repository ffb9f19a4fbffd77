import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { issue, selfSignedCa } from './pki';
import type { ClusterTlsFiles } from './temporal-cluster';

/** Long enough for a dev machine; renewed when less than a day is left. */
const DAYS = 365;
const SERVER_NAME = 'localhost';

/**
 * The cluster profile's PKI in `<dir>`: a CA, the frontend's certificate (127.0.0.1 and localhost)
 * and one client certificate, used by hookflow and by the server's own worker service. Made once
 * with openssl; made again when the server certificate is missing or about to expire.
 */
export function ensureClusterTls(dir: string): ClusterTlsFiles {
  const files: ClusterTlsFiles = {
    caCertPath: join(dir, 'ca.crt'),
    serverCertPath: join(dir, 'server.crt'),
    serverKeyPath: join(dir, 'server.key'),
    clientCertPath: join(dir, 'client.crt'),
    clientKeyPath: join(dir, 'client.key'),
    serverName: SERVER_NAME,
  };
  if (stillValid(files)) return files;
  // Only the folder holding the keys is private: its parents stay searchable (PostgreSQL runs as another user).
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = selfSignedCa(dir, 'ca', 'hookflow cluster profile CA', DAYS);
  issue(dir, ca, 'server', SERVER_NAME, [`subjectAltName=IP:127.0.0.1,DNS:${SERVER_NAME}`, 'extendedKeyUsage=serverAuth'], DAYS);
  issue(dir, ca, 'client', 'hookflow', ['extendedKeyUsage=clientAuth,serverAuth'], DAYS);
  return files;
}

function stillValid(files: ClusterTlsFiles): boolean {
  const all = [files.caCertPath, files.serverCertPath, files.serverKeyPath, files.clientCertPath, files.clientKeyPath];
  if (!all.every((file) => existsSync(file))) return false;
  const expires = Date.parse(new X509Certificate(readFileSync(files.serverCertPath)).validTo);
  return expires - Date.now() > 24 * 60 * 60 * 1000;
}

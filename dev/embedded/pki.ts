import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Certificates made with the `openssl` binary, as an operator makes them: P-256 keys. openssl over
 * a JavaScript X.509 library: it is on every Linux and macOS machine and CI image, adds no
 * dependency, and the files are exactly what `openssl` users hand to hookflow.
 */

/** A certificate and its key, as PEM files (what an operator points hookflow at) and their bytes. */
export interface Issued {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

function openssl(args: readonly string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A CA certificate `<dir>/<name>.crt` with its key `<name>.key`. */
export function selfSignedCa(dir: string, name: string, commonName: string, days: number): Issued {
  const [certPath, keyPath] = [join(dir, `${name}.crt`), join(dir, `${name}.key`)];
  openssl(['req', '-x509', ...NEW_KEY, '-keyout', keyPath, '-out', certPath, '-days', String(days), '-subj', `/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return readIssued(certPath, keyPath);
}

/** A leaf certificate signed by `ca`, with `extensions` (subjectAltName, extendedKeyUsage) in openssl's syntax. */
export function issue(dir: string, ca: Issued, name: string, commonName: string, extensions: readonly string[], days: number): Issued {
  const [certPath, keyPath, csrPath, extPath] = ['crt', 'key', 'csr', 'ext'].map((ext) => join(dir, `${name}.${ext}`)) as [string, string, string, string];
  openssl(['req', ...NEW_KEY, '-keyout', keyPath, '-out', csrPath, '-subj', `/CN=${commonName}`]);
  writeFileSync(extPath, `${['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', ...extensions].join('\n')}\n`);
  openssl(['x509', '-req', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', String(Date.now()), '-days', String(days), '-out', certPath, '-extfile', extPath]);
  return readIssued(certPath, keyPath);
}

export function readIssued(certPath: string, keyPath: string): Issued {
  return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, as PEM files (what an operator points hookflow at) and their bytes. */
export interface Issued {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TestPki {
  readonly dir: string;
  /** The CA that signs everything below. */
  readonly ca: Issued;
  /** Temporal's side: issued for 127.0.0.1 and localhost. */
  readonly server: Issued;
  /** hookflow's client certificate (mTLS). */
  readonly client: Issued;
  /** Another CA, unknown to the proxy, and a client certificate it issued: the "wrong certificate". */
  readonly otherCa: Issued;
  readonly strangerClient: Issued;
  remove(): void;
}

/**
 * A throwaway PKI made with the `openssl` binary, as an operator makes one: P-256 keys, certificates
 * valid for a day. openssl over a JavaScript X.509 library: it is on every Linux and macOS machine
 * and CI image, adds no dependency, and the files are exactly what `openssl` users hand to hookflow.
 */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'hookflow-pki-'));
  const ca = selfSignedCa(dir, 'ca', 'hookflow test CA');
  const otherCa = selfSignedCa(dir, 'other-ca', 'some other CA');
  return {
    dir,
    ca,
    server: issue(dir, ca, 'server', 'localhost', ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth']),
    client: issue(dir, ca, 'client', 'hookflow', ['extendedKeyUsage=clientAuth']),
    otherCa,
    strangerClient: issue(dir, otherCa, 'stranger', 'hookflow', ['extendedKeyUsage=clientAuth']),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function openssl(args: readonly string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function selfSignedCa(dir: string, name: string, commonName: string): Issued {
  const [certPath, keyPath] = [join(dir, `${name}.crt`), join(dir, `${name}.key`)];
  openssl(['req', '-x509', ...NEW_KEY, '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', `/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return read(certPath, keyPath);
}

function issue(dir: string, ca: Issued, name: string, commonName: string, extensions: readonly string[]): Issued {
  const [certPath, keyPath, csrPath, extPath] = ['crt', 'key', 'csr', 'ext'].map((ext) => join(dir, `${name}.${ext}`)) as [string, string, string, string];
  openssl(['req', ...NEW_KEY, '-keyout', keyPath, '-out', csrPath, '-subj', `/CN=${commonName}`]);
  writeFileSync(extPath, `${['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', ...extensions].join('\n')}\n`);
  openssl(['x509', '-req', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', String(Date.now()), '-days', '1', '-out', certPath, '-extfile', extPath]);
  return read(certPath, keyPath);
}

function read(certPath: string, keyPath: string): Issued {
  return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

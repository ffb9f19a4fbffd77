import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issue as issueFor, selfSignedCa as selfSignedCaFor, type Issued } from '../../dev/embedded/pki';

export type { Issued };

/** Test certificates live a day. */
const DAYS = 1;
const selfSignedCa = (dir: string, name: string, commonName: string): Issued => selfSignedCaFor(dir, name, commonName, DAYS);
const issue = (dir: string, ca: Issued, name: string, commonName: string, extensions: readonly string[]): Issued => issueFor(dir, ca, name, commonName, extensions, DAYS);

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

/** A throwaway PKI made with the `openssl` binary (dev/embedded/pki.ts), certificates valid for a day. */
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

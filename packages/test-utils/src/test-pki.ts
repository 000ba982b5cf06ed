import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const config = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

/** A certificate and its private key, as files in the PKI directory and as PEM text. */
export interface TestCertificate {
  /** Path of the PEM certificate. */
  readonly certFile: string;
  /** Path of the PEM private key (unencrypted). */
  readonly keyFile: string;
  /** The certificate, PEM. */
  readonly certPem: string;
  /** The private key, PEM. */
  readonly keyPem: string;
  /** The serial number in upper-case hex, as Node reports `serialNumber`. */
  readonly serial: string;
}

/** The key algorithm of an issued certificate: P-256 ECDSA or 2048-bit RSA. */
export type TestKeyType = 'ec' | 'rsa';

/** A throwaway certificate authority in a temporary directory. */
export interface TestPki {
  /** The directory holding every key and certificate. */
  readonly dir: string;
  /** The CA's self-signed certificate: trust `ca.certPem` in clients that should accept issued certificates. */
  readonly ca: TestCertificate;
  /**
   * Issue a certificate signed by the CA, valid for one day.
   *
   * @param name - File name stem (and, for clients, the common name); unique within the PKI.
   * @param kind - `server`: CN `localhost`, SAN `localhost` and `127.0.0.1`, serverAuth;
   *   `client`: CN `name`, clientAuth.
   * @param keyType - Key algorithm. Default `ec`.
   * @returns The certificate and key.
   */
  issue(name: string, kind: 'server' | 'client', keyType?: TestKeyType): TestCertificate;
  /**
   * A self-signed CA certificate unrelated to {@link TestPki.ca}: an untrusted server
   * certificate, or a rogue CA.
   *
   * @param name - File name stem and common name.
   * @returns The certificate and key.
   */
  selfSigned(name: string): TestCertificate;
  /**
   * Run the openssl CLI in {@link TestPki.dir}.
   *
   * @param args - Command-line arguments.
   * @param input - Standard input.
   * @returns Standard output.
   */
  openssl(args: readonly string[], input?: string): string;
  /** Delete the directory and everything in it. */
  cleanup(): void;
}

function newKeyArgs(keyType: TestKeyType): string[] {
  return keyType === 'ec'
    ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
    : ['-newkey', 'rsa:2048'];
}

/**
 * Create a throwaway PKI for TLS tests with the `openssl` CLI (which must be on the `PATH`): a CA
 * valid for two days, and on demand server and client certificates it issues and unrelated
 * self-signed certificates. Keys never leave the temporary directory except as the returned PEM text.
 *
 * @returns The PKI; call `cleanup()` when done.
 * @throws Error when `openssl` is missing or fails.
 * @example
 * ```ts
 * import { createServer } from 'node:tls';
 * import { createTestPki } from '@secbot/test-utils';
 *
 * const pki = createTestPki();
 * const server = pki.issue('server', 'server');
 * const listener = createServer({ cert: server.certPem, key: server.keyPem });
 * // clients trust pki.ca.certPem; pki.selfSigned('rogue') gives a certificate they must refuse
 * pki.cleanup();
 * ```
 */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'secbot-pki-'));
  const cnf = join(dir, 'openssl.cnf');
  writeFileSync(cnf, config);
  const openssl = (args: readonly string[], input?: string): string =>
    execFileSync('openssl', args, { cwd: dir, input, stdio: 'pipe', encoding: 'utf8' });
  const serial = (): string => {
    const bytes = randomBytes(8);
    bytes[0] = (bytes[0] ?? 0) | 0x40; // positive, no leading zero byte
    return bytes.toString('hex').toUpperCase();
  };
  const read = (certFile: string, keyFile: string, hex: string): TestCertificate => ({
    certFile,
    keyFile,
    certPem: readFileSync(certFile, 'utf8'),
    keyPem: readFileSync(keyFile, 'utf8'),
    serial: hex,
  });

  const selfSigned = (name: string): TestCertificate => {
    const hex = serial();
    const certFile = join(dir, `${name}.pem`);
    const keyFile = join(dir, `${name}.key`);
    openssl([
      'req',
      '-x509',
      '-config',
      cnf,
      '-extensions',
      'ca_ext',
      ...newKeyArgs('ec'),
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-set_serial',
      `0x${hex}`,
    ]);
    return read(certFile, keyFile, hex);
  };
  const ca = selfSigned('secbot-test-ca');

  const issue = (name: string, kind: 'server' | 'client', keyType: TestKeyType = 'ec'): TestCertificate => {
    const hex = serial();
    const certFile = join(dir, `${name}.pem`);
    const keyFile = join(dir, `${name}.key`);
    const csr = join(dir, `${name}.csr`);
    const cn = kind === 'server' ? 'localhost' : name;
    openssl([
      'req',
      '-new',
      '-config',
      cnf,
      ...newKeyArgs(keyType),
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      csr,
      '-subj',
      `/CN=${cn}`,
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      '-set_serial',
      `0x${hex}`,
      '-days',
      '1',
      '-sha256',
      '-extfile',
      cnf,
      '-extensions',
      `${kind}_ext`,
      '-out',
      certFile,
    ]);
    return read(certFile, keyFile, hex);
  };

  return {
    dir,
    ca,
    issue,
    selfSigned,
    openssl,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

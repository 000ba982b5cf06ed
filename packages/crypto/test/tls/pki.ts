// A throwaway PKI for the TLS tests, made with the openssl CLI in a temp directory:
// a CA, certificates it issues (server, client), and unrelated self-signed certificates.
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

/** A certificate and its key, as files and PEM text. */
export interface Issued {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** Upper-case hex, as Node reports `serialNumber`. */
  readonly serial: string;
}

export type KeyType = 'ec' | 'rsa';

export interface Pki {
  readonly dir: string;
  readonly ca: Issued;
  /** Issue a certificate from the CA (`server`: SAN localhost + 127.0.0.1; `client`: clientAuth). */
  issue(name: string, kind: 'server' | 'client', keyType?: KeyType): Issued;
  /** A self-signed certificate unrelated to the CA (also usable as a rogue CA). */
  selfSigned(name: string): Issued;
  /** Run the openssl CLI in the PKI directory; returns stdout. */
  openssl(args: readonly string[], input?: string): string;
  cleanup(): void;
}

function newKeyArgs(keyType: KeyType): string[] {
  return keyType === 'ec'
    ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
    : ['-newkey', 'rsa:2048'];
}

export function createPki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'secbot-tls-'));
  const cnf = join(dir, 'openssl.cnf');
  writeFileSync(cnf, config);
  const openssl = (args: readonly string[], input?: string): string =>
    execFileSync('openssl', args, { cwd: dir, input, stdio: 'pipe', encoding: 'utf8' });
  const serial = (): string => {
    const bytes = randomBytes(8);
    bytes[0] = (bytes[0] ?? 0) | 0x40; // positive, no leading zero byte
    return bytes.toString('hex').toUpperCase();
  };
  const read = (certFile: string, keyFile: string, hex: string): Issued => ({
    certFile,
    keyFile,
    certPem: readFileSync(certFile, 'utf8'),
    keyPem: readFileSync(keyFile, 'utf8'),
    serial: hex,
  });

  const selfSigned = (name: string, ext = 'ca_ext'): Issued => {
    const hex = serial();
    const certFile = join(dir, `${name}.pem`);
    const keyFile = join(dir, `${name}.key`);
    openssl([
      'req',
      '-x509',
      '-config',
      cnf,
      '-extensions',
      ext,
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

  const issue = (name: string, kind: 'server' | 'client', keyType: KeyType = 'ec'): Issued => {
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
    selfSigned: (name) => selfSigned(name),
    openssl,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

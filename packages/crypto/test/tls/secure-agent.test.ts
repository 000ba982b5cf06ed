import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import tls from 'node:tls';
import { isSecbotError, type SecbotError } from '@secbot/core';
import { createTestPki, type TestCertificate, type TestPki } from '@secbot/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  certificateInfo,
  isPinMismatchError,
  secureAgent,
  secureClientOptions,
  secureServerOptions,
  spkiPin,
} from '../../src/tls/index.js';
import { close, failure, get, handshake, listen, nextClientError } from './helpers.js';

let pki: TestPki;
let server: TestCertificate;
let client: TestCertificate;
let unrelated: TestCertificate;
const servers: (https.Server | tls.Server)[] = [];
const agents: https.Agent[] = [];

beforeAll(() => {
  pki = createTestPki();
  server = pki.issue('server', 'server');
  client = pki.issue('webhook-client', 'client');
  unrelated = pki.selfSigned('unrelated');
});
afterAll(() => pki.cleanup());
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  await Promise.all(servers.splice(0).map(close));
});

async function startServer(mtls = false): Promise<number> {
  const config = secureServerOptions({
    certFile: server.certFile,
    keyFile: server.keyFile,
    ...(mtls ? { mtls: true, caFile: pki.ca.certFile } : {}),
  });
  const srv = https.createServer(config.options, (req, res) => {
    const peer = (req.socket as tls.TLSSocket).getPeerCertificate();
    res.end(peer.subject?.CN ?? 'anonymous');
  });
  servers.push(srv);
  return listen(srv);
}

function agent(options: Parameters<typeof secureAgent>[0]): https.Agent {
  const created = secureAgent(options);
  agents.push(created);
  return created;
}

function configError(run: () => unknown): SecbotError {
  try {
    run();
  } catch (error) {
    if (isSecbotError(error, 'CONFIG_INVALID')) return error;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('spkiPin and certificateInfo', () => {
  it('computes the same pin as the openssl pipeline of RFC 7469', () => {
    const spki = join(pki.dir, 'server.spki.der');
    pki.openssl([
      'x509',
      '-in',
      server.certFile,
      '-noout',
      '-pubkey',
      '-out',
      join(pki.dir, 'server.pub.pem'),
    ]);
    pki.openssl(['pkey', '-pubin', '-in', join(pki.dir, 'server.pub.pem'), '-outform', 'DER', '-out', spki]);
    const digest = pki.openssl(['dgst', '-sha256', '-binary', '-out', join(pki.dir, 'spki.sha256'), spki]);
    expect(digest).toBe('');
    const expected = `sha256/${readFileSync(join(pki.dir, 'spki.sha256')).toString('base64')}`;
    expect(spkiPin(server.certPem)).toBe(expected);
    expect(spkiPin(new Uint8Array(Buffer.from(server.certPem)))).toBe(expected);
    expect(certificateInfo(server.certPem)).toMatchObject({ spkiPin: expected, serialNumber: server.serial });
  });

  it('throws ARGUMENT_INVALID for something that is not a certificate', () => {
    expect(() => spkiPin(server.keyPem)).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
    expect(() => certificateInfo('nope')).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
  });
});

describe('secureAgent: verification and pinning', () => {
  it('accepts the right leaf pin, and a pin of the issuing CA', async () => {
    const port = await startServer();
    for (const pin of [spkiPin(server.certPem), spkiPin(pki.ca.certPem)]) {
      const response = await get(port, {
        agent: agent({ ca: pki.ca.certPem, pins: [spkiPin(unrelated.certPem), pin] }),
      });
      expect(response).toMatchObject({ status: 200, body: 'anonymous' });
    }
  });

  it('refuses a wrong pin with a recognisable error that names counts and the received pin only', async () => {
    const port = await startServer();
    const wrong = [spkiPin(unrelated.certPem), `sha256/${Buffer.alloc(32, 7).toString('base64')}`];
    const error = await failure(get(port, { agent: agent({ ca: pki.ca.certPem, pins: wrong }) }));
    expect(isSecbotError(error, 'TLS_PIN_MISMATCH')).toBe(true);
    expect(error.code).toBe('TLS_PIN_MISMATCH');
    expect(isPinMismatchError(error)).toBe(true);
    expect(isPinMismatchError(new TypeError('fetch failed', { cause: error }))).toBe(true);
    expect(isPinMismatchError(new Error('other'))).toBe(false);
    const mismatch = error as Error;
    expect(mismatch.message).toContain('(2 certificate(s); leaf key pin');
    expect(mismatch.message).toContain('none of the 2 configured pin(s)');
    expect(mismatch.message).toContain(spkiPin(server.certPem));
    expect(mismatch.message).not.toMatch(/BEGIN|PRIVATE/);
  });

  it('runs the host name check before the pins', async () => {
    const port = await startServer();
    const pinned = agent({ ca: pki.ca.certPem, pins: [spkiPin(server.certPem)] });
    const error = await failure(get(port, { agent: pinned, servername: 'evil.example' }));
    expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('cannot be talked out of verification by request options', async () => {
    const port = await startServer();
    const untrusted = await failure(get(port, { agent: agent({}), rejectUnauthorized: false }));
    expect(untrusted.code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
    const pinned = agent({ ca: pki.ca.certPem, pins: [spkiPin(unrelated.certPem)] });
    const error = await failure(
      get(port, { agent: pinned, rejectUnauthorized: false, checkServerIdentity: () => undefined }),
    );
    expect(isPinMismatchError(error)).toBe(true);
  });

  it('counts a chain pin only when that key really signed the chain below it', () => {
    const der = (pem: string) => new X509Certificate(pem).raw;
    const peer = (pem: string, issuer?: object) => {
      const x509 = new X509Certificate(pem);
      const cert: Record<string, unknown> = {
        raw: der(pem),
        fingerprint256: x509.fingerprint256,
        subject: { CN: 'localhost' },
        subjectaltname: x509.subjectAltName,
      };
      cert.issuerCertificate = issuer ?? cert;
      return cert;
    };
    const check = (pins: string[], cert: object) =>
      secureClientOptions({ pins }).checkServerIdentity?.('localhost', cert as tls.PeerCertificate);
    const caPin = spkiPin(pki.ca.certPem);
    const realChain = peer(server.certPem, peer(pki.ca.certPem));
    expect(check([caPin], realChain)).toBeUndefined();
    // A chain whose "issuer" did not sign the leaf: the unrelated certificate's pin does not count.
    const forged = peer(server.certPem, peer(unrelated.certPem));
    const error = check([spkiPin(unrelated.certPem)], forged);
    expect(isSecbotError(error, 'TLS_PIN_MISMATCH')).toBe(true);
    // only the leaf counts: the forged issuer's key is not among the received pins
    expect((error as Error).message).toContain(`(1 certificate(s); leaf key pin ${spkiPin(server.certPem)})`);
    // Unreadable chain: fail closed.
    expect(
      isSecbotError(
        check([caPin], { ...peer(server.certPem), raw: Buffer.from('junk') }),
        'TLS_PIN_MISMATCH',
      ),
    ).toBe(true);
  });

  it('trusts only the given CA when trustDefaultCAs is false', () => {
    expect(secureClientOptions({ ca: pki.ca.certPem, trustDefaultCAs: false }).ca).toEqual([pki.ca.certPem]);
    const withDefaults = secureClientOptions({ caFile: pki.ca.certFile }).ca as string[];
    expect(withDefaults).toHaveLength(tls.rootCertificates.length + 1);
    expect(secureClientOptions({}).ca).toBeUndefined();
    expect(secureClientOptions({ pins: [spkiPin(server.certPem)] }).maxCachedSessions).toBe(0);
  });

  it('works with tls.connect through secureClientOptions', async () => {
    const port = await startServer();
    const options = secureClientOptions({ ca: pki.ca.certPem, pins: [spkiPin(pki.ca.certPem)] });
    expect((await handshake(port, options)).protocol).toBe('TLSv1.3');
    const refused = await failure(
      handshake(port, {
        ...options,
        checkServerIdentity: secureClientOptions({
          ca: pki.ca.certPem,
          pins: [spkiPin(unrelated.certPem)],
        }).checkServerIdentity,
      }),
    );
    expect(isPinMismatchError(refused)).toBe(true);
  });
});

describe('secureAgent: protocol policy and mutual TLS', () => {
  it('refuses a server that offers only TLS 1.1, or only CBC suites', async () => {
    const weakServers: readonly [tls.TlsOptions, RegExp][] = [
      [{ maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, /unsupported protocol/],
      [
        { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384' },
        /no shared cipher/,
      ],
    ];
    for (const [weak, serverSays] of weakServers) {
      const srv = tls.createServer({ cert: server.certPem, key: server.keyPem, ...weak }, (socket) =>
        socket.end(),
      );
      servers.push(srv);
      const port = await listen(srv);
      // Control: a permissive client does get through, so the failure below is the agent's policy.
      const control = await handshake(port, {
        ca: pki.ca.certPem,
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      expect(control.authorized).toBe(true);
      const refused = nextClientError(srv);
      const error = await failure(get(port, { agent: agent({ ca: pki.ca.certPem }) }));
      expect(error.code).toBe('EPROTO');
      // The weak server found nothing it could accept in the agent's hello.
      expect((await refused).message).toMatch(serverSays);
    }
  });

  it('presents a client certificate to an mTLS server, and is refused without one', async () => {
    const port = await startServer(true);
    const withCert = agent({ ca: pki.ca.certPem, certFile: client.certFile, keyFile: client.keyFile });
    expect(await get(port, { agent: withCert })).toMatchObject({ status: 200, body: 'webhook-client' });
    const error = await failure(get(port, { agent: agent({ ca: pki.ca.certPem }) }));
    expect(error.code).toMatch(/ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|ECONNRESET/);
  });
});

describe('secureAgent: validation', () => {
  it('refuses rejectUnauthorized: false', () => {
    const error = configError(() => secureAgent({ rejectUnauthorized: false as never }));
    expect(error.issues?.[0]?.path).toBe('rejectUnauthorized');
    expect(error.message).toMatch(/certificate verification cannot be disabled/);
    expect(() => secureAgent({ rejectUnauthorized: true }).destroy()).not.toThrow();
  });

  it('names the bad option path', () => {
    const cases: readonly [unknown, string][] = [
      [{ pins: ['sha1/abc'] }, 'pins[0]'],
      [{ pins: [spkiPin(server.certPem), 'sha256/short='] }, 'pins[1]'],
      [{ pins: [] }, 'pins'],
      [{ certFile: client.certFile }, 'keyFile'],
      [{ keyFile: client.keyFile }, 'certFile'],
      [{ certFile: client.certFile, keyFile: server.keyFile }, 'keyFile'],
      [{ ca: 'not a certificate' }, 'ca'],
      [{ ca: [pki.ca.certPem, 'x'] }, 'ca[1]'],
      [{ caFile: join(pki.dir, 'missing.pem') }, 'caFile'],
      [{ minVersion: 'TLSv1' }, 'minVersion'],
      [{ keepAlive: 'yes' }, 'keepAlive'],
      [{ checkServerIdentity: () => undefined }, ''],
    ];
    for (const [options, path] of cases) {
      const error = configError(() => secureAgent(options as never));
      expect(error.issues?.map((issue) => issue.path)).toContain(path);
    }
  });
});

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { isSecbotError, type SecbotError } from '@secbot/core';
import { createTestPki, type TestCertificate, type TestPki } from '@secbot/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hstsHeader, secureServerOptions, tlsPolicy } from '../../src/tls/index.js';
import { close, failure, get, handshake, listen, nextClientError } from './helpers.js';

let pki: TestPki;
let server: TestCertificate;
let rsaServer: TestCertificate;
let client: TestCertificate;
let rogueCa: TestCertificate;
const servers: https.Server[] = [];

beforeAll(() => {
  pki = createTestPki();
  server = pki.issue('server', 'server');
  rsaServer = pki.issue('server-rsa', 'server', 'rsa');
  client = pki.issue('bot-client', 'client');
  rogueCa = pki.selfSigned('rogue');
});
afterAll(() => pki.cleanup());
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

async function start(
  options: Parameters<typeof secureServerOptions>[0],
): Promise<{ port: number; srv: https.Server }> {
  const config = secureServerOptions(options);
  const srv = https.createServer(config.options, (req, res) => {
    const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
    res.setHeader('Strict-Transport-Security', hstsHeader());
    res.end(peer.subject?.CN ?? 'anonymous');
  });
  servers.push(srv);
  return { port: await listen(srv), srv };
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

/** Run the openssl CLI asynchronously (the server under test shares this event loop). */
function sClient(args: readonly string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('openssl', ['s_client', ...args], { timeout: 5000 }, (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}\n${stderr}` });
    });
    child.stdin?.end();
  });
}

describe('secureServerOptions: handshakes', () => {
  it('accepts a TLS 1.3 client with an AEAD suite and serves HTTPS', async () => {
    const { port } = await start({ certFile: server.certFile, keyFile: server.keyFile });
    const result = await handshake(port, { ca: pki.ca.certPem });
    expect(result.protocol).toBe('TLSv1.3');
    expect(result.authorized).toBe(true);
    expect(tlsPolicy.tls13CipherSuites).toContain(result.cipher);
    expect(result.cipher).toBe('TLS_AES_256_GCM_SHA384'); // server order wins
    const response = await get(port, { ca: pki.ca.certPem, servername: 'localhost' });
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('offers each of the three TLS 1.3 suites', async () => {
    const { port } = await start({ certFile: server.certFile, keyFile: server.keyFile });
    for (const suite of tlsPolicy.tls13CipherSuites) {
      const result = await handshake(port, { ca: pki.ca.certPem, ciphers: suite, minVersion: 'TLSv1.3' });
      expect(result.cipher).toBe(suite);
    }
  });

  it('accepts a TLS 1.2 client with ECDHE and an AEAD suite', async () => {
    const { port } = await start({ certFile: server.certFile, keyFile: server.keyFile });
    const result = await handshake(port, { ca: pki.ca.certPem, maxVersion: 'TLSv1.2' });
    expect(result.protocol).toBe('TLSv1.2');
    expect(result.cipher).toBe('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
    const chacha = await handshake(port, {
      ca: pki.ca.certPem,
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305',
    });
    expect(chacha.cipher).toBe('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
  });

  it('refuses TLS 1.0 and TLS 1.1 on the server side (Node client with SECLEVEL=0)', async () => {
    const { port, srv } = await start({ certFile: server.certFile, keyFile: server.keyFile });
    for (const version of ['TLSv1', 'TLSv1.1'] as const) {
      // OpenSSL 3 at its default security level will not even send a TLS 1.0/1.1 hello, so the
      // client lowers its own level: the refusal observed below is the server's.
      const refused = nextClientError(srv);
      const error = await failure(
        handshake(port, {
          ca: pki.ca.certPem,
          minVersion: version,
          maxVersion: version,
          ciphers: 'DEFAULT@SECLEVEL=0',
        }),
      );
      expect(error.code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'); // the server's alert
      expect((await refused).message).toMatch(/unsupported protocol/);
    }
  });

  it('refuses TLS 1.0 and TLS 1.1 from `openssl s_client` too', async () => {
    const { port } = await start({ certFile: server.certFile, keyFile: server.keyFile });
    for (const flag of ['-tls1', '-tls1_1']) {
      const result = await sClient(['-connect', `127.0.0.1:${port}`, flag, '-cipher', 'DEFAULT@SECLEVEL=0']);
      expect(result.ok).toBe(false);
      expect(result.output).toMatch(/alert protocol version/);
    }
    const modern = await sClient(['-connect', `127.0.0.1:${port}`, '-tls1_2', '-CAfile', pki.ca.certFile]);
    expect(modern.output).toMatch(/Verify return code: 0 \(ok\)/);
  });

  it('refuses CBC suites, SHA-1 MACs and static-RSA or DHE key exchange', async () => {
    const ec = await start({ certFile: server.certFile, keyFile: server.keyFile });
    const rsa = await start({ certFile: rsaServer.certFile, keyFile: rsaServer.keyFile });
    const weak: readonly [typeof ec, string][] = [
      [ec, 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:AES128-SHA:AES256-SHA'], // CBC + SHA-1
      [ec, 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384'], // CBC + SHA-2
      [rsa, 'AES128-GCM-SHA256:AES256-GCM-SHA384'], // RSA key exchange (no forward secrecy)
      [rsa, 'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-CHACHA20-POLY1305'], // finite-field DHE
      [rsa, 'ECDHE-RSA-AES128-SHA:AES128-SHA256'], // CBC with an RSA certificate
    ];
    for (const [{ port, srv }, ciphers] of weak) {
      const refused = nextClientError(srv);
      await failure(
        handshake(port, { ca: pki.ca.certPem, maxVersion: 'TLSv1.2', ciphers: `${ciphers}@SECLEVEL=0` }),
      );
      expect((await refused).message).toMatch(/no shared cipher/);
    }
    const ok = await handshake(rsa.port, { ca: pki.ca.certPem, maxVersion: 'TLSv1.2' });
    expect(ok.cipher).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
  });

  it('refuses SHA-1 and SHA-224 handshake signatures, and groups outside X25519/P-256/P-384', async () => {
    const { port, srv } = await start({ certFile: server.certFile, keyFile: server.keyFile });
    let refused = nextClientError(srv);
    await failure(
      handshake(port, {
        ca: pki.ca.certPem,
        maxVersion: 'TLSv1.2',
        sigalgs: 'ECDSA+SHA1',
        ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256@SECLEVEL=0',
      }),
    );
    expect((await refused).message).toMatch(/no suitable signature algorithm|no shared signature/);
    // SHA-224 passes OpenSSL's default security level; the policy's own list refuses it.
    refused = nextClientError(srv);
    await failure(
      handshake(port, {
        ca: pki.ca.certPem,
        maxVersion: 'TLSv1.2',
        sigalgs: 'ECDSA+SHA224',
        ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      }),
    );
    expect((await refused).message).toMatch(/no suitable signature algorithm|no shared signature/);
    refused = nextClientError(srv);
    await failure(handshake(port, { ca: pki.ca.certPem, ecdhCurve: 'P-521' }));
    expect((await refused).message).toMatch(/no suitable key share|no shared group/);
    for (const curve of ['X25519', 'P-256', 'P-384']) {
      expect((await handshake(port, { ca: pki.ca.certPem, ecdhCurve: curve })).protocol).toBe('TLSv1.3');
    }
  });

  it('with minVersion TLSv1.3, refuses a TLS 1.2 client', async () => {
    const { port, srv } = await start({
      certFile: server.certFile,
      keyFile: server.keyFile,
      minVersion: 'TLSv1.3',
    });
    const refused = nextClientError(srv);
    await failure(handshake(port, { ca: pki.ca.certPem, maxVersion: 'TLSv1.2' }));
    expect((await refused).message).toMatch(/unsupported protocol/);
    expect((await handshake(port, { ca: pki.ca.certPem })).protocol).toBe('TLSv1.3');
  });
});

describe('secureServerOptions: mutual TLS', () => {
  it('refuses a client without a certificate and one from another CA; accepts a CA-issued one', async () => {
    const { port } = await start({
      certFile: server.certFile,
      keyFile: server.keyFile,
      mtls: true,
      caFile: pki.ca.certFile,
    });
    const base = { ca: pki.ca.certPem, servername: 'localhost', agent: false } as const;
    const anonymous = await failure(get(port, base));
    expect(anonymous.code).toMatch(/ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|ECONNRESET/);
    const rogue = await failure(get(port, { ...base, cert: rogueCa.certPem, key: rogueCa.keyPem }));
    expect(rogue.code).toMatch(/ERR_SSL_TLSV1_ALERT_UNKNOWN_CA|ECONNRESET/);
    const response = await get(port, { ...base, cert: client.certPem, key: client.keyPem });
    expect(response).toMatchObject({ status: 200, body: 'bot-client' });
  });

  it('refuses a TLS 1.2 client without a certificate during the handshake', async () => {
    const { port, srv } = await start({
      certFile: server.certFile,
      keyFile: server.keyFile,
      mtls: true,
      caFile: pki.ca.certFile,
    });
    const refused = nextClientError(srv);
    await failure(handshake(port, { ca: pki.ca.certPem, maxVersion: 'TLSv1.2' }));
    expect((await refused).message).toMatch(/peer did not return a certificate/);
  });
});

describe('secureServerOptions: options and validation', () => {
  it('returns the hardened options and the certificate facts', () => {
    const config = secureServerOptions({ certFile: server.certFile, keyFile: server.keyFile });
    expect(config.options).toMatchObject({
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      honorCipherOrder: true,
      ecdhCurve: 'X25519:P-256:P-384',
      sessionTimeout: 300,
      requestCert: false,
      rejectUnauthorized: true,
    });
    for (const suite of config.options.ciphers?.split(':') ?? []) {
      expect(suite).toMatch(
        /^(TLS_(AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256|AES_128_GCM_SHA256)|ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305))$/,
      );
    }
    expect(config.certificate.serialNumber).toBe(server.serial);
    const enddate = pki.openssl(['x509', '-in', server.certFile, '-noout', '-enddate']).trim();
    expect(config.certificate.notAfter.getTime()).toBe(new Date(enddate.replace('notAfter=', '')).getTime());
    expect(config.certificate.subjectAltName).toContain('IP Address:127.0.0.1');
  });

  it('names the bad option path', () => {
    const cases: readonly [unknown, string][] = [
      [{ keyFile: server.keyFile }, 'certFile'],
      [{ certFile: server.certFile, keyFile: server.keyFile, minVersion: 'TLSv1.1' }, 'minVersion'],
      [{ certFile: server.certFile, keyFile: server.keyFile, sessionTimeoutSec: 0 }, 'sessionTimeoutSec'],
      [{ certFile: server.certFile, keyFile: server.keyFile, mtls: true }, 'caFile'],
      [{ certFile: server.certFile, keyFile: server.keyFile, caFile: pki.ca.certFile }, 'mtls'],
      [{ certFile: server.certFile, keyFile: server.keyFile, rejectUnauthorized: false }, ''],
      [{ certFile: join(pki.dir, 'missing.pem'), keyFile: server.keyFile }, 'certFile'],
      [{ certFile: server.certFile, keyFile: client.keyFile }, 'keyFile'],
    ];
    for (const [options, path] of cases) {
      const error = configError(() => secureServerOptions(options as never));
      expect(error.issues?.map((issue) => issue.path)).toContain(path);
    }
  });

  it('refuses a missing file, a non-certificate and a key that does not match, without printing key material', () => {
    const garbage = join(pki.dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    const missing = configError(() =>
      secureServerOptions({ certFile: join(pki.dir, 'missing.pem'), keyFile: server.keyFile }),
    );
    expect(missing.message).toMatch(/certFile: cannot read .*missing\.pem \(ENOENT\)/);
    expect(
      configError(() => secureServerOptions({ certFile: garbage, keyFile: server.keyFile })).message,
    ).toMatch(/certFile: does not hold a PEM X\.509 certificate/);
    const swapped = configError(() =>
      secureServerOptions({ certFile: server.keyFile, keyFile: server.keyFile }),
    );
    expect(swapped.message).toMatch(/certFile/);
    const notKey = configError(() =>
      secureServerOptions({ certFile: server.certFile, keyFile: server.certFile }),
    );
    expect(notKey.message).toMatch(/keyFile: is not a readable private key/);
    const mismatch = configError(() =>
      secureServerOptions({ certFile: server.certFile, keyFile: client.keyFile }),
    );
    expect(mismatch.message).toMatch(/keyFile: does not match the certificate in certFile/);
    const secretLines = [server.keyPem, client.keyPem]
      .flatMap((pem) => pem.split('\n'))
      .filter((line) => line.length > 20 && !line.startsWith('-----'));
    for (const error of [missing, swapped, notKey, mismatch]) {
      const text = `${error.message} ${JSON.stringify(error)}`;
      expect(text).not.toContain('PRIVATE KEY');
      for (const line of secretLines) expect(text).not.toContain(line);
    }
  });

  it('refuses an expired certificate', () => {
    const { notAfter } = secureServerOptions({
      certFile: server.certFile,
      keyFile: server.keyFile,
    }).certificate;
    const error = configError(() =>
      secureServerOptions({
        certFile: server.certFile,
        keyFile: server.keyFile,
        now: () => notAfter.getTime() + 1,
      }),
    );
    expect(error.message).toMatch(/certFile: certificate expired at/);
  });
});

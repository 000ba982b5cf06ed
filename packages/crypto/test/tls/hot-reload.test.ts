import { renameSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { isSecbotError, type SecbotError } from '@secbot/core';
import { createTestPki, type TestCertificate, type TestPki } from '@secbot/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CertificateInfo, type SecureServerConfig, secureServerOptions } from '../../src/tls/index.js';
import { close, failure, handshake, listen, nextClientError } from './helpers.js';

let pki: TestPki;
let first: TestCertificate;
let certFile: string;
let keyFile: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  pki = createTestPki();
  first = pki.issue('first', 'server');
  certFile = join(pki.dir, 'live-cert.pem');
  keyFile = join(pki.dir, 'live-key.pem');
});
afterAll(() => pki.cleanup());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Put a certificate and key in place, the way a deploy script copying files would. */
function install(issued: TestCertificate): void {
  writeFileSync(keyFile, issued.keyPem);
  writeFileSync(certFile, issued.certPem);
}

interface Running {
  readonly config: SecureServerConfig;
  readonly port: number;
  readonly server: https.Server;
  readonly reloads: CertificateInfo[];
  readonly errors: SecbotError[];
  readonly stop: () => void;
}

async function run(): Promise<Running> {
  install(first);
  const config = secureServerOptions({ certFile, keyFile });
  const server = https.createServer(config.options, (_req, res) => res.end('ok'));
  const port = await listen(server);
  const reloads: CertificateInfo[] = [];
  const errors: SecbotError[] = [];
  const stop = config.watch(server, {
    debounceMs: 50,
    pollIntervalMs: 0,
    onReload: (certificate) => reloads.push(certificate),
    onError: (error) => errors.push(error),
  });
  cleanups.push(() => close(server), stop);
  return { config, port, server, reloads, errors, stop };
}

const served = async (port: number): Promise<string> =>
  (await handshake(port, { ca: pki.ca.certPem })).serial;
const settle = (ms = 300): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('secureServerOptions().watch: hot reload', () => {
  it('serves a newly issued certificate to new connections once the files change', async () => {
    const { port, config, server, reloads, errors } = await run();
    expect(await served(port)).toBe(first.serial);
    const second = pki.issue('second', 'server');
    install(second);
    await vi.waitFor(() => expect(reloads).toHaveLength(1), { timeout: 3000, interval: 20 });
    expect(reloads[0]?.serialNumber).toBe(second.serial);
    expect(config.certificate.serialNumber).toBe(second.serial);
    expect(await served(port)).toBe(second.serial);
    expect(errors).toEqual([]);

    // The new context keeps the whole policy: server cipher order, AEAD only, TLS 1.2 floor.
    const preferred = await handshake(port, {
      ca: pki.ca.certPem,
      ciphers: 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384',
    });
    expect(preferred.cipher).toBe('TLS_AES_256_GCM_SHA384');
    const cbc = nextClientError(server);
    await failure(
      handshake(port, { ca: pki.ca.certPem, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA' }),
    );
    expect((await cbc).message).toMatch(/no shared cipher/);
    const old = nextClientError(server);
    await failure(
      handshake(port, {
        ca: pki.ca.certPem,
        minVersion: 'TLSv1.1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      }),
    );
    expect((await old).message).toMatch(/unsupported protocol/);
  });

  it('keeps serving the old certificate when the new files are garbage or do not match, and reports CONFIG_INVALID', async () => {
    const { port, config, reloads, errors } = await run();
    writeFileSync(certFile, '-----BEGIN CERTIFICATE-----\nhalf-writ');
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 3000, interval: 20 });
    expect(isSecbotError(errors[0], 'CONFIG_INVALID')).toBe(true);
    expect(errors[0]?.message).toMatch(/certFile: does not hold a PEM X\.509 certificate/);
    expect(await served(port)).toBe(first.serial);

    // A new certificate beside the old key: a half-finished rotation.
    const third = pki.issue('third', 'server');
    writeFileSync(certFile, third.certPem);
    await vi.waitFor(() => expect(errors).toHaveLength(2), { timeout: 3000, interval: 20 });
    expect(errors[1]?.message).toMatch(/keyFile: does not match the certificate in certFile/);
    expect(errors[1]?.message).not.toContain(first.keyPem.split('\n')[1]);
    expect(await served(port)).toBe(first.serial);
    expect(config.certificate.serialNumber).toBe(first.serial);

    // The rotation completes: the new pair goes live.
    writeFileSync(keyFile, third.keyPem);
    await vi.waitFor(() => expect(reloads).toHaveLength(1), { timeout: 3000, interval: 20 });
    expect(await served(port)).toBe(third.serial);
    expect(errors).toHaveLength(2);
  });

  it('sees files replaced atomically by rename (certbot, Kubernetes style)', async () => {
    const { port, reloads } = await run();
    const next = pki.issue('renamed', 'server');
    renameSync(next.keyFile, keyFile);
    renameSync(next.certFile, certFile);
    await vi.waitFor(() => expect(reloads).toHaveLength(1), { timeout: 3000, interval: 20 });
    expect(await served(port)).toBe(next.serial);
  });

  it('does nothing after stop, and stops by itself when the server closes', async () => {
    const { port, reloads, errors, stop, server, config } = await run();
    stop();
    install(pki.issue('ignored', 'server'));
    await settle();
    expect(reloads).toEqual([]);
    expect(await served(port)).toBe(first.serial);

    install(first);
    const other = https.createServer(config.options);
    await listen(other);
    const onError = vi.fn();
    config.watch(other, { debounceMs: 10, pollIntervalMs: 0, onError });
    await close(other);
    writeFileSync(certFile, 'garbage');
    await settle();
    expect(onError).not.toHaveBeenCalled();
    expect(errors).toEqual([]);
    expect(server.listening).toBe(true);
  });

  it('reload(server) installs new files now, and throws CONFIG_INVALID leaving the server as it was', async () => {
    const { port, config, server, stop } = await run();
    stop();
    const next = pki.issue('manual', 'server');
    install(next);
    expect(config.reload(server).serialNumber).toBe(next.serial);
    expect(await served(port)).toBe(next.serial);
    writeFileSync(keyFile, 'garbage');
    expect(() => config.reload(server)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(await served(port)).toBe(next.serial);
  });

  it('validates watch options', async () => {
    const { config, server } = await run();
    expect(() => config.watch(server, { debounceMs: -1 })).toThrow(/debounceMs/);
    expect(() => config.watch(server, { onError: 'log' as never })).toThrow(/onError/);
  });
});

import { constants } from 'node:crypto';
import { resolve } from 'node:path';
import type { Server, TlsOptions } from 'node:tls';
import { type Clock, parseOptions, SecbotError, systemClock } from '@secbot/core';
import { z } from 'zod';
import type { CertificateInfo } from './certificate-info.js';
import {
  checkKeyPair,
  contextOptions,
  type KeyPair,
  type KeyPairSource,
  loadKeyPair,
  readKeyPairFiles,
} from './internal/load-key-pair.js';
import { policyOptions } from './internal/node-tls-options.js';
import { watchFiles } from './internal/watch-files.js';
import type { TlsMinVersion } from './tls-policy.js';

/** Options of {@link secureServerOptions}. */
export interface SecureServerOptions {
  /** PEM certificate file: the server certificate first, then any intermediates (a "fullchain"). */
  readonly certFile: string;
  /** PEM private key file of that certificate. */
  readonly keyFile: string;
  /** Passphrase of an encrypted `keyFile`. */
  readonly passphrase?: string;
  /**
   * Require client certificates (mutual TLS): a client without a certificate signed by `caFile`
   * is refused during the handshake. Default `false`. Requires `caFile`.
   */
  readonly mtls?: boolean;
  /** PEM bundle of the CAs that issue client certificates. Only with `mtls: true`. */
  readonly caFile?: string;
  /** Lowest TLS version: `'TLSv1.2'` (default) or `'TLSv1.3'`. */
  readonly minVersion?: TlsMinVersion;
  /** Seconds a TLS session stays resumable, 1 to 86400. Default 300. */
  readonly sessionTimeoutSec?: number;
  /** Clock for the expiry check, epoch milliseconds. Default `Date.now`. */
  readonly now?: Clock;
}

/** Options of {@link SecureServerConfig.watch}. */
export interface TlsWatchOptions {
  /** Called after a new certificate was installed, with its facts. */
  readonly onReload?: (certificate: CertificateInfo) => void;
  /**
   * Called when changed files could not be installed (`CONFIG_INVALID`): unreadable, not a
   * certificate, a key that does not match, expired. The previous certificate keeps serving.
   * Default: `process.emitWarning(error)`.
   */
  readonly onError?: (error: SecbotError) => void;
  /** Quiet time after the last file event before reloading, in ms (0 to 60000). Default 250. */
  readonly debounceMs?: number;
  /** Also poll the files this often, in ms (0 turns polling off). Default 30000. */
  readonly pollIntervalMs?: number;
}

/** What {@link secureServerOptions} returns. */
export interface SecureServerConfig {
  /** Options for `https.createServer`, `tls.createServer` or `http2.createSecureServer`. */
  readonly options: TlsOptions;
  /** The certificate served now (updated by {@link SecureServerConfig.reload} and by `watch`). */
  readonly certificate: CertificateInfo;
  /**
   * Re-read the files now (for example on SIGHUP) and install them on `server`.
   *
   * @param server - The server created with {@link SecureServerConfig.options}.
   * @returns The new certificate's facts.
   * @throws SecbotError `CONFIG_INVALID` when the files are not a valid pair; `server` is untouched.
   */
  reload(server: Server): CertificateInfo;
  /**
   * Watch the certificate, key and CA files and install them on `server` when they change.
   * A change that does not validate is reported to `onError` and the server keeps its certificate.
   * Stops by itself when the server closes.
   *
   * @param server - The server created with {@link SecureServerConfig.options}.
   * @param options - Callbacks and timing.
   * @returns A function that stops watching.
   * @throws SecbotError `CONFIG_INVALID` when `options` are invalid.
   */
  watch(server: Server, options?: TlsWatchOptions): () => void;
}

const fn = <T>(name: string) =>
  z.custom<T>((value) => typeof value === 'function', { message: `${name} must be a function` });

const optionsSchema = z
  .strictObject({
    certFile: z.string().min(1),
    keyFile: z.string().min(1),
    passphrase: z.string().min(1).optional(),
    mtls: z.boolean().default(false),
    caFile: z.string().min(1).optional(),
    minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
    sessionTimeoutSec: z.int().min(1).max(86_400).default(300),
    now: fn<Clock>('now').optional(),
  })
  .superRefine((options, ctx) => {
    if (options.mtls && options.caFile === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['caFile'],
        message: 'mtls requires caFile (the client CA bundle)',
      });
    }
    if (!options.mtls && options.caFile !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['mtls'],
        message: 'caFile is only used for client certificates: set mtls: true, or remove caFile',
      });
    }
  });

const watchSchema = z.strictObject({
  onReload: fn<(certificate: CertificateInfo) => void>('onReload').optional(),
  onError: fn<(error: SecbotError) => void>('onError').optional(),
  debounceMs: z.int().min(0).max(60_000).default(250),
  pollIntervalMs: z.int().min(0).max(86_400_000).default(30_000),
});

// Refuse client-initiated renegotiation (a DoS lever), keep compression off (CRIME), and let a
// client that prefers ChaCha20 (no AES hardware) have it even though the server order wins.
const secureOptions =
  constants.SSL_OP_NO_RENEGOTIATION | constants.SSL_OP_NO_COMPRESSION | constants.SSL_OP_PRIORITIZE_CHACHA;

function asConfigError(cause: unknown, what: string): SecbotError {
  return cause instanceof SecbotError && cause.code === 'CONFIG_INVALID'
    ? cause
    : new SecbotError('CONFIG_INVALID', `secureServerOptions: ${what}`, { cause });
}

/**
 * Build hardened options for an HTTPS (or TLS) server from certificate files: TLS 1.2 or newer,
 * AEAD cipher suites with forward secrecy only (see {@link tlsPolicy}), server cipher order,
 * X25519/P-256/P-384, no renegotiation, optional mutual TLS; and a way to reload the certificate
 * without a restart.
 *
 * The files are read and checked now: the key must belong to the certificate, the certificate must
 * not have expired, and OpenSSL must accept both under the policy.
 *
 * @param options - Certificate files and policy choices.
 * @returns The server options, the served certificate's facts, `reload` and `watch`.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option: invalid options, a file that cannot be
 *   read, not a certificate, a key that does not match, an expired certificate. Messages never
 *   contain file contents.
 * @example
 * ```ts
 * import https from 'node:https';
 * import { hstsHeader, secureServerOptions } from '@secbot/crypto';
 *
 * const tlsConfig = secureServerOptions({ certFile: '/etc/secbot/tls/fullchain.pem', keyFile: '/etc/secbot/tls/key.pem' });
 * const hsts = hstsHeader();
 * const server = https.createServer(tlsConfig.options, (req, res) => {
 *   res.setHeader('Strict-Transport-Security', hsts);
 *   res.end('ok');
 * });
 * const stop = tlsConfig.watch(server, {
 *   onReload: (cert) => console.log('new certificate, expires', cert.notAfter),
 *   onError: (err) => console.error(err.message), // the old certificate keeps serving
 * });
 * server.listen(8443);
 * ```
 */
export function secureServerOptions(options: SecureServerOptions): SecureServerConfig {
  const parsed = parseOptions(optionsSchema, options, 'secureServerOptions');
  const now = parsed.now ?? systemClock;
  const source: KeyPairSource = {
    factory: 'secureServerOptions',
    certFile: resolve(parsed.certFile),
    keyFile: resolve(parsed.keyFile),
    caFile: parsed.caFile === undefined ? undefined : resolve(parsed.caFile),
    passphrase: parsed.passphrase,
    names: { cert: 'certFile', key: 'keyFile', ca: 'caFile' },
  };
  const policy = policyOptions(parsed.minVersion);
  let current: KeyPair = loadKeyPair(source, policy, now());

  const serverContext = () => ({
    honorCipherOrder: true,
    secureOptions,
    sessionTimeout: parsed.sessionTimeoutSec,
  });
  const install = (server: Server, pair: KeyPair): void => {
    // setSecureContext replaces every context option, so the whole policy goes with the new pair.
    server.setSecureContext({ ...serverContext(), ...contextOptions(source, pair, policy) });
    current = pair;
  };

  const serverOptions: TlsOptions = {
    ...serverContext(),
    ...contextOptions(source, current, policy),
    requestCert: parsed.mtls,
    rejectUnauthorized: true,
  };

  return {
    options: serverOptions,
    get certificate(): CertificateInfo {
      return current.certificate;
    },
    reload(server: Server): CertificateInfo {
      const pair = loadKeyPair(source, policy, now());
      try {
        install(server, pair);
      } catch (cause) {
        throw asConfigError(cause, 'the server refused the new certificate');
      }
      return pair.certificate;
    },
    watch(server: Server, watchOptions: TlsWatchOptions = {}): () => void {
      const w = parseOptions(watchSchema, watchOptions, 'secureServerOptions.watch');
      const report = (error: SecbotError): void => {
        try {
          if (w.onError === undefined) process.emitWarning(error);
          else w.onError(error);
        } catch {
          // A failing error handler must not take the server down with it.
        }
      };
      let seen = current.digest;
      const check = (): void => {
        let pair: KeyPair;
        try {
          const files = readKeyPairFiles(source);
          if (files.digest === seen) return;
          seen = files.digest;
          pair = checkKeyPair(source, files, policy, now());
          install(server, pair);
        } catch (cause) {
          report(asConfigError(cause, 'the new certificate could not be installed'));
          return;
        }
        try {
          w.onReload?.(pair.certificate);
        } catch {
          // Same: a throwing callback must not stop later reloads.
        }
      };
      const files = [
        source.certFile,
        source.keyFile,
        ...(source.caFile === undefined ? [] : [source.caFile]),
      ];
      const stopWatching = watchFiles(files, {
        debounceMs: w.debounceMs,
        pollIntervalMs: w.pollIntervalMs,
        onChange: check,
        onWatchError: (dir, cause) =>
          report(
            asConfigError(
              cause,
              `cannot watch ${dir} for certificate changes${w.pollIntervalMs > 0 ? '; polling continues' : ''}`,
            ),
          ),
      });
      const stop = (): void => {
        server.off('close', stop);
        stopWatching();
      };
      server.once('close', stop);
      return stop;
    },
  };
}

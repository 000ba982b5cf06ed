import type { ConnectionOptions } from 'node:tls';
import { type Clock, parseOptions } from '@secbot/core';
import { buildClientOptions, clientSchema } from './internal/client-options.js';
import type { TlsMinVersion } from './tls-policy.js';

/** Options of {@link secureClientOptions} (and of {@link secureAgent}). */
export interface SecureClientOptions {
  /** Extra trusted CA certificates, PEM (one bundle or several). */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Files of extra trusted CA certificates, PEM. */
  readonly caFile?: string | readonly string[];
  /**
   * With `ca` or `caFile`: also trust Node's bundled Mozilla roots (`true`, default), or trust only
   * the given CAs (`false`: the stronger choice for a service behind a private CA).
   */
  readonly trustDefaultCAs?: boolean;
  /**
   * Public-key pins, `sha256/<base64 SHA-256 of the SubjectPublicKeyInfo>` (compute with
   * {@link spkiPin}). After the normal certificate and host name checks, the connection is refused
   * with a `TLS_PIN_MISMATCH` SecbotError unless one pin matches the leaf, an intermediate, or the root of
   * the chain (each counted only if its signature over the certificate below verifies). Pin an
   * intermediate or root to survive certificate renewals, the leaf for the strictest check, and
   * always add a backup pin. With pins, TLS session resumption is turned off so every connection's
   * full chain is checked.
   */
  readonly pins?: readonly string[];
  /** Client certificate file, PEM, for servers that require mutual TLS. Requires `keyFile`. */
  readonly certFile?: string;
  /** Private key file of `certFile`, PEM. */
  readonly keyFile?: string;
  /** Passphrase of an encrypted `keyFile`. */
  readonly passphrase?: string;
  /** Lowest TLS version: `'TLSv1.2'` (default) or `'TLSv1.3'`. */
  readonly minVersion?: TlsMinVersion;
  /** Only `true` is accepted: certificate verification cannot be turned off. */
  readonly rejectUnauthorized?: true;
  /** Clock for the client certificate's expiry check, epoch milliseconds. Default `Date.now`. */
  readonly now?: Clock;
}

/** What {@link secureClientOptions} returns: `tls.connect` options, plus undici's session switch. */
export type SecureConnectionOptions = ConnectionOptions & {
  /** `0` when pins are set (undici `connect` and `https.Agent` read it; `tls.connect` ignores it). */
  readonly maxCachedSessions?: number;
};

/**
 * Build hardened options for outbound TLS connections (`tls.connect`, or undici's
 * `new Agent({ connect })` for `fetch`): certificate verification always on, TLS 1.2 or newer,
 * the AEAD suites of {@link tlsPolicy}, optional extra CAs, public-key pins and a client
 * certificate. For `https.request`, `axios` or `got`, use {@link secureAgent}.
 *
 * @param options - Trust, pins, client certificate, minimum version.
 * @returns Options to spread into `tls.connect` or pass as undici's `connect`.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option: `rejectUnauthorized: false`, a malformed
 *   pin, a CA that is not a certificate, an unreadable file, a client key that does not match its
 *   certificate, or an expired client certificate.
 * @example
 * ```ts
 * import tls from 'node:tls';
 * import { secureClientOptions } from '@secbot/crypto';
 *
 * const options = secureClientOptions({ caFile: '/etc/secbot/nlp-ca.pem', trustDefaultCAs: false });
 * const socket = tls.connect({ ...options, host: 'nlp.internal.example', port: 443 }, () => socket.end());
 * // with undici: new Agent({ connect: options }), then fetch(url, { dispatcher })
 * ```
 */
export function secureClientOptions(options: SecureClientOptions = {}): SecureConnectionOptions {
  return buildClientOptions(
    'secureClientOptions',
    parseOptions(clientSchema, options, 'secureClientOptions'),
  );
}

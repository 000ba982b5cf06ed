import { SecbotError, type SecbotErrorCode } from '@secbot/core';

/**
 * The port between {@link ldapProvider} and an LDAP client library. It is deliberately small, so
 * that swapping the library (secbot ships {@link ldaptsDirectoryClient} over `ldapts`) means
 * writing one adapter: the provider keeps everything that decides security (escaping, the one-match
 * rule, TLS policy, failover, pooling, error mapping) on its side of this port.
 */
export interface DirectoryClient {
  /**
   * Make a connection to one server. The connection may be opened lazily, by its first operation.
   *
   * @param url - `ldap://host:port` or `ldaps://host:port`; for `ldaps://` the implementation
   *   must use TLS with certificate verification from the first byte.
   * @returns The connection.
   * @throws DirectoryError
   */
  connect(url: string): Promise<DirectoryConnection>;
}

/** One connection to one directory server. Operations reject with a {@link DirectoryError}. */
export interface DirectoryConnection {
  /** The URL this connection goes to. */
  readonly url: string;
  /**
   * `false` once the connection is closed, broken or timed out. An implementation must never
   * silently reconnect: a new socket would be neither upgraded by StartTLS nor bound.
   */
  readonly usable: boolean;
  /** Upgrade a plain `ldap://` connection with StartTLS (RFC 4513), verifying the certificate. */
  startTLS(): Promise<void>;
  /**
   * Simple bind. Callers refuse an empty password before calling this (an empty password is an
   * "unauthenticated bind" that many servers accept as anonymous success).
   *
   * @param dn - Distinguished name to bind as.
   * @param password - The password; never logged, never part of an error.
   */
  bind(dn: string, password: string): Promise<void>;
  /**
   * Search.
   *
   * @param base - Search base DN.
   * @param options - Scope, RFC 4515 filter string, attributes to return.
   * @returns The entries; search references (referrals) are not followed and not returned.
   */
  search(base: string, options: DirectorySearchOptions): Promise<readonly DirectoryEntry[]>;
  /** Unbind and close. Never rejects; safe to call twice. */
  close(): Promise<void>;
}

/** What to search for. */
export interface DirectorySearchOptions {
  /** `base`: the base entry only; `one`: its children; `sub`: the whole subtree. */
  readonly scope: 'base' | 'one' | 'sub';
  /** An RFC 4515 filter string, every untrusted value in it already escaped once. */
  readonly filter: string;
  /** Attributes to return (`1.1` for none). */
  readonly attributes: readonly string[];
  /** Attributes to return as bytes (e.g. `objectGUID`), named exactly as the server spells them. */
  readonly binaryAttributes?: readonly string[];
  /** Most entries to return; more matches may be reported as just this many. */
  readonly sizeLimit?: number;
}

/** One entry found by a search. */
export interface DirectoryEntry {
  /** Its DN, as the server sent it. */
  readonly dn: string;
  /** Text values by lower-cased attribute name. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  /** Values of the requested binary attributes, by lower-cased attribute name. */
  readonly binary: Readonly<Record<string, readonly Uint8Array[]>>;
}

/**
 * What went wrong, as far as the provider needs to know:
 * - `unavailable`: the network, TLS, a timeout or a busy/unavailable server. The provider fails
 *   over to the next URL, and fails closed with `AUTH_PROVIDER_UNAVAILABLE` when none is left.
 * - `invalid-credentials`: the server answered a bind with result code 49. Never failed over.
 * - `rejected`: any other LDAP result code, or a request the library refused to send.
 */
export type DirectoryErrorKind = 'unavailable' | 'invalid-credentials' | 'rejected';

const codeByKind: Readonly<Record<DirectoryErrorKind, SecbotErrorCode>> = {
  unavailable: 'AUTH_PROVIDER_UNAVAILABLE',
  'invalid-credentials': 'AUTH_INVALID_CREDENTIALS',
  rejected: 'AUTH_PROVIDER_UNAVAILABLE',
};

const brand = Symbol.for('@secbot/identity/DirectoryError');

/** Facts a {@link DirectoryError} carries. */
export interface DirectoryErrorOptions {
  /** The LDAP result code, when the server answered. */
  readonly resultCode?: number;
  /** The server's diagnostic message (for Active Directory binds it holds `data 52e` and the like). */
  readonly diagnosticMessage?: string;
  /** The library's error. */
  readonly cause?: unknown;
}

/**
 * The error every {@link DirectoryConnection} operation rejects with. It is a `SecbotError`
 * (`AUTH_PROVIDER_UNAVAILABLE` or `AUTH_INVALID_CREDENTIALS`) that also says which
 * {@link DirectoryErrorKind} it is, so a provider can decide between failing over and failing.
 *
 * @example
 * ```ts
 * import { DirectoryError } from '@secbot/identity';
 *
 * throw new DirectoryError('unavailable', 'ldaps://dc1.example.com:636: connect ECONNREFUSED');
 * ```
 */
export class DirectoryError extends SecbotError {
  /** Whether to fail over, reject the credentials, or give up. */
  readonly kind: DirectoryErrorKind;
  /** The LDAP result code, when the server answered. */
  readonly resultCode?: number;
  /** The server's diagnostic message. */
  readonly diagnosticMessage?: string;

  /**
   * @param kind - What went wrong.
   * @param message - Operator-facing text; never a password.
   * @param options - Result code, diagnostic message and cause.
   */
  constructor(kind: DirectoryErrorKind, message: string, options: DirectoryErrorOptions = {}) {
    super(codeByKind[kind], message, options.cause === undefined ? {} : { cause: options.cause });
    this.kind = kind;
    if (options.resultCode !== undefined) this.resultCode = options.resultCode;
    if (options.diagnosticMessage !== undefined) this.diagnosticMessage = options.diagnosticMessage;
    Object.defineProperty(this, brand, { value: true });
  }

  /** Recognises only directory errors (a plain `SecbotError` is not one). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true;
  }
}

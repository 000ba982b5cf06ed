import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { parseOptions } from '@secbot/core';
import { Client, type Entry, FilterParser, type Filter as LdaptsFilter, ResultCodeError } from 'ldapts';
import { z } from 'zod';
import {
  type DirectoryClient,
  type DirectoryConnection,
  type DirectoryEntry,
  DirectoryError,
  type DirectorySearchOptions,
} from './directory-client.js';
import type { Assignable, DeepMutable, SameKeys } from './internal/ldap-type-checks.js';

const pem = z.union([
  z.string().min(1),
  z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be text or bytes'),
]);

/** A PEM certificate (or several), as text or bytes. */
export type PemInput = string | Uint8Array | readonly (string | Uint8Array)[];

/** Options of {@link ldaptsDirectoryClient}. */
export interface LdaptsDirectoryClientOptions {
  /** Deadline for the TCP connect and the TLS handshake, ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Deadline for each LDAP operation, ms. Default 10000. */
  readonly operationTimeoutMs?: number;
  /** TLS for `ldaps://` and StartTLS. The certificate and its name are always verified. */
  readonly tls?: {
    /** CA certificate(s) to trust instead of Node's bundled roots (a private CA). */
    readonly ca?: PemInput;
    /** Name the certificate must carry, when it differs from the URL's host. */
    readonly servername?: string;
    /** Lowest TLS version. Default `TLSv1.2`. */
    readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
    /** Only `true` is accepted: verification cannot be turned off. */
    readonly rejectUnauthorized?: true;
  };
}

const optionsSchema = z
  .object({
    connectTimeoutMs: z.number().int().min(1).max(120_000).default(5_000),
    operationTimeoutMs: z.number().int().min(1).max(300_000).default(10_000),
    tls: z
      .object({
        ca: z.union([pem, z.array(pem).min(1)]).optional(),
        servername: z.string().min(1).max(253).optional(),
        minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
        rejectUnauthorized: z.literal(true, 'certificate verification cannot be turned off').optional(),
      })
      .strict()
      .default({ minVersion: 'TLSv1.2' }),
  })
  .strict();

type Settings = z.output<typeof optionsSchema>;
// The interface must stay assignable to what the schema accepts (fails to compile otherwise).
export type LdaptsOptionsMatchSchema = Assignable<
  DeepMutable<SameKeys<LdaptsDirectoryClientOptions, z.input<typeof optionsSchema>>>,
  z.input<typeof optionsSchema>
>;

/**
 * A {@link DirectoryClient} over the `ldapts` library.
 *
 * - TLS (for `ldaps://` and StartTLS) always verifies the server certificate and its name; pass
 *   `tls.ca` for a private CA. There is no switch to turn verification off.
 * - Every operation has a deadline: the TCP/TLS connect gets `connectTimeoutMs`, each operation
 *   `operationTimeoutMs` (the StartTLS handshake both). On timeout the socket is destroyed.
 * - A connection never reconnects by itself: once its socket is gone it is unusable, so a search
 *   can never go out on a new socket that was neither upgraded by StartTLS nor bound.
 * - Errors are {@link DirectoryError}s; search references (referrals) are ignored.
 *
 * @param options - Timeouts and TLS settings.
 * @returns The client.
 * @throws SecbotError `CONFIG_INVALID` for bad options.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { ldapProvider, ldaptsDirectoryClient } from '@secbot/identity';
 *
 * const client = ldaptsDirectoryClient({ connectTimeoutMs: 2000, tls: { ca: readFileSync('corp-ca.pem') } });
 * ```
 */
export function ldaptsDirectoryClient(options: LdaptsDirectoryClientOptions = {}): DirectoryClient {
  const settings = parseOptions(optionsSchema, options, 'ldaptsDirectoryClient');
  return {
    async connect(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch (cause) {
        throw new DirectoryError('rejected', 'ldaptsDirectoryClient: invalid URL', { cause });
      }
      if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') {
        throw new DirectoryError('rejected', 'ldaptsDirectoryClient: URL scheme must be ldap or ldaps');
      }
      const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
      const tls = tlsOptions(settings, host);
      // ldapts forgets a StartTLS-upgraded connection's closing (it watches the plain socket it
      // replaced), and would then write requests into a dead socket and wait for the timeout. So we
      // watch every socket it opens ourselves.
      let closed = false;
      const watch = <S extends Socket>(socket: S): S => {
        socket.once('close', () => {
          closed = true;
        });
        return socket;
      };
      const client = new Client({
        url,
        connectTimeout: settings.connectTimeoutMs,
        timeout: settings.operationTimeoutMs,
        // ldapts goes TLS-from-the-start whenever tlsOptions is set, so only for ldaps://.
        ...(parsed.protocol === 'ldaps:' ? { tlsOptions: tls } : {}),
        createConnection: ((...args: unknown[]) =>
          watch((netConnect as (...a: unknown[]) => Socket)(...args))) as typeof netConnect,
        createSecureConnection: ((...args: unknown[]) =>
          watch((tlsConnect as (...a: unknown[]) => Socket)(...args))) as typeof tlsConnect,
      });
      return new LdaptsConnection(url, client, settings, tls, () => closed);
    },
  };
}

function tlsOptions(settings: Settings, host: string): ConnectionOptions {
  const servername = settings.tls.servername ?? (isIP(host) === 0 ? host : undefined);
  const ca = settings.tls.ca;
  return {
    host,
    rejectUnauthorized: true,
    minVersion: settings.tls.minVersion,
    ...(servername === undefined ? {} : { servername }),
    ...(ca === undefined
      ? {}
      : {
          ca: (Array.isArray(ca) ? ca : [ca]).map((item) =>
            typeof item === 'string' ? item : Buffer.from(item),
          ),
        }),
  };
}

class LdaptsConnection implements DirectoryConnection {
  private opened = false;
  private broken = false;
  private closed = false;

  constructor(
    readonly url: string,
    private readonly client: Client,
    private readonly settings: Settings,
    private readonly tls: ConnectionOptions,
    private readonly socketClosed: () => boolean,
  ) {}

  get usable(): boolean {
    return !this.closed && !this.broken && !this.socketClosed() && (!this.opened || this.client.isConnected);
  }

  startTLS(): Promise<void> {
    // The TLS handshake after the StartTLS response has no deadline in ldapts: ours covers it.
    return this.run('StartTLS', this.settings.connectTimeoutMs, () => this.client.startTLS({ ...this.tls }));
  }

  bind(dn: string, password: string): Promise<void> {
    return this.run('bind', 0, () => this.client.bind(dn, password));
  }

  async search(base: string, options: DirectorySearchOptions): Promise<readonly DirectoryEntry[]> {
    let filter: LdaptsFilter;
    try {
      filter = FilterParser.parseString(options.filter);
    } catch (cause) {
      throw new DirectoryError('rejected', `${this.url}: search filter rejected by ldapts`, { cause });
    }
    const binary = options.binaryAttributes ?? [];
    const result = await this.run('search', 0, () =>
      this.client.search(base, {
        scope: options.scope,
        filter,
        attributes: [...options.attributes, ...binary],
        explicitBufferAttributes: [...binary],
        derefAliases: 'never',
        timeLimit: Math.ceil(this.settings.operationTimeoutMs / 1000),
        ...(options.sizeLimit === undefined ? {} : { sizeLimit: options.sizeLimit }),
      }),
    );
    const binaryNames = new Set(binary.map((name) => name.toLowerCase()));
    return result.searchEntries.map((entry) => toDirectoryEntry(entry, binaryNames));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.client.unbind(); // bounded by the ldapts operation timeout; destroys the socket
    } catch {
      // closing is best effort: the socket is destroyed either way
    }
  }

  private async run<T>(operation: string, extraMs: number, action: () => Promise<T>): Promise<T> {
    if (!this.usable) throw new DirectoryError('unavailable', `${this.url}: connection is no longer usable`);
    const budget =
      extraMs + this.settings.operationTimeoutMs + (this.opened ? 0 : this.settings.connectTimeoutMs);
    this.opened = true;
    let timer: NodeJS.Timeout | undefined;
    const pending = action();
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new DirectoryError('unavailable', `${this.url}: ${operation} timed out after ${budget} ms`)),
        budget,
      );
    });
    try {
      return await Promise.race([pending, deadline]);
    } catch (err) {
      pending.catch(() => undefined); // the loser of the race must not become an unhandled rejection
      const error = toDirectoryError(err, this.url, operation);
      if (error.kind === 'unavailable') this.fail();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(): void {
    this.broken = true;
    this.client.unbind().catch(() => undefined);
  }
}

function toDirectoryEntry(entry: Entry, binaryNames: ReadonlySet<string>): DirectoryEntry {
  const attributes: Record<string, string[]> = {};
  const binary: Record<string, Uint8Array[]> = {};
  for (const [name, raw] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const key = name.toLowerCase();
    const values = Array.isArray(raw) ? raw : [raw];
    if (binaryNames.has(key)) {
      binary[key] = values.map((value) =>
        typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'utf8')) : new Uint8Array(value),
      );
    } else {
      // A text attribute whose bytes are not UTF-8 comes back as a Buffer; such values are dropped.
      attributes[key] = values.filter((value): value is string => typeof value === 'string');
    }
  }
  return { dn: entry.dn, attributes, binary };
}

/**
 * Translate whatever ldapts or the socket threw into a {@link DirectoryError}.
 *
 * @param err - The thrown value.
 * @param url - The server URL, for the message.
 * @param operation - What was attempted, for the message.
 * @returns The directory error (an `InvalidCredentialsError` becomes `invalid-credentials` with the
 *   server's diagnostic message kept, for Active Directory's `data 52e` and friends).
 */
export function toDirectoryError(err: unknown, url: string, operation: string): DirectoryError {
  if (err instanceof DirectoryError) return err;
  if (err instanceof ResultCodeError) {
    const diagnosticMessage = err.message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
    const facts = { resultCode: err.code, diagnosticMessage, cause: err };
    if (err.code === 49) {
      return new DirectoryError(
        'invalid-credentials',
        `${url}: ${operation}: invalid credentials (result 49)`,
        facts,
      );
    }
    // busy (51) and unavailable (52): another replica may well answer
    const kind = err.code === 51 || err.code === 52 ? 'unavailable' : 'rejected';
    return new DirectoryError(kind, `${url}: ${operation}: ${err.name} (result ${err.code})`, facts);
  }
  const code = (err as { code?: unknown } | null)?.code;
  const text = err instanceof Error ? (err.message.split('\n').pop() ?? '') : 'unknown error';
  const detail = `${typeof code === 'string' ? `${code} ` : ''}${text}`.slice(0, 300);
  return new DirectoryError('unavailable', `${url}: ${operation} failed: ${detail}`, { cause: err });
}

import { randomBytes } from 'node:crypto';
import {
  type Credentials,
  type IdentityProvider,
  type Principal,
  parseOptions,
  SecbotError,
  type SecbotErrorCode,
  systemClock,
} from '@secbot/core';
import { type DirectoryEntry, DirectoryError } from './directory-client.js';
import { classifyBindFailure } from './internal/ldap-bind-errors.js';
import { DirectoryPool } from './internal/ldap-connection-pool.js';
import { type GroupSettings, resolveGroups } from './internal/ldap-groups.js';
import { ldapProviderSchema, placeholder } from './internal/ldap-provider-schema.js';
import { isDnWithin, parseDn } from './ldap-dn.js';
import { escapeLdapFilterValue } from './ldap-filter.js';
import type { LdapProviderOptions } from './ldap-provider-options.js';
import { ldaptsDirectoryClient } from './ldapts-directory-client.js';
import { compileRoleMapping } from './role-mapping.js';

/** An LDAP / Active Directory `IdentityProvider` that holds pooled connections. */
export interface LdapProvider extends IdentityProvider {
  /** The one credential kind it accepts, so a chain skips it for tokens and API keys. */
  readonly kinds: readonly ['password'];
  /** Close the pooled service-account connections. Later `authenticate` calls fail. */
  close(): Promise<void>;
}

/**
 * Authenticate users against an LDAP directory or Active Directory with a username and password:
 * search the user with the service account, bind as the DN the search returned with the user's
 * password, read the user's groups, and map them to roles.
 *
 * - The username is escaped once (RFC 4515) into `userSearch.filter`; exactly one entry must
 *   match, inside `userSearch.base`. The bind DN always comes from the directory, never from input.
 * - Empty or blank passwords are refused before anything is sent (an empty password is an
 *   "unauthenticated bind", which many servers accept as anonymous success); so are overlong input.
 * - `ldaps://` or StartTLS with certificate verification by default; plain `ldap://` only with
 *   `tls: { startTLS: false }` and `insecure: true`.
 * - With several `urls`, a network failure moves on to the next; a rejected password never does.
 *   When no server answers, `AUTH_PROVIDER_UNAVAILABLE` (fail closed).
 * - Active Directory's bind reasons (`data 52e`, `533`, `775`, ...) become account-state codes,
 *   all with the same public message as a wrong password.
 *
 * @param options - See {@link LdapProviderOptions}.
 * @returns The provider; call `close()` on shutdown.
 * @throws SecbotError `CONFIG_INVALID` for bad options, naming each bad path.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { ldapProvider } from '@secbot/identity';
 *
 * const ldap = ldapProvider({
 *   urls: ['ldaps://dc1.example.com', 'ldaps://dc2.example.com'],
 *   bindDN: 'cn=secbot,ou=service,dc=example,dc=com',
 *   bindPassword: process.env.LDAP_BIND_PASSWORD ?? '',
 *   userSearch: { base: 'ou=people,dc=example,dc=com', filter: '(&(objectClass=inetOrgPerson)(uid={username}))' },
 *   groupSearch: { mode: 'memberOf' },
 *   roleMapping: { groups: { 'cn=agents,ou=groups,dc=example,dc=com': ['agent'] } },
 *   tls: { ca: readFileSync('corp-ca.pem') },
 * });
 * const principal = await ldap.authenticate({ kind: 'password', username: 'alice', password: 's3cret!' });
 * ```
 */
export function ldapProvider(options: LdapProviderOptions): LdapProvider {
  const settings = parseOptions(ldapProviderSchema, options, 'ldapProvider');
  const urls = settings.urls ?? (settings.url === undefined ? [] : [settings.url]);
  const now = settings.now ?? systemClock;
  const client =
    settings.client ??
    ldaptsDirectoryClient({
      connectTimeoutMs: settings.timeouts.connectMs,
      operationTimeoutMs: settings.timeouts.operationMs,
      tls: {
        ...(settings.tls.ca === undefined ? {} : { ca: settings.tls.ca }),
        ...(settings.tls.servername === undefined ? {} : { servername: settings.tls.servername }),
        ...(settings.tls.minVersion === undefined ? {} : { minVersion: settings.tls.minVersion }),
      },
    });
  const plainAllowed = settings.insecure && !settings.tls.startTLS;
  const pool = new DirectoryPool({
    client,
    urls,
    startTLS: (url) => url.startsWith('ldap:') && !plainAllowed,
    bindDN: settings.bindDN,
    bindPassword: settings.bindPassword,
    maxSize: settings.pool.size,
    acquireTimeoutMs: settings.pool.acquireTimeoutMs,
    idleTimeoutMs: settings.pool.idleTimeoutMs,
    downForMs: settings.pool.failoverRetryMs,
    now,
  });
  const roleMapping = compileRoleMapping(settings.roleMapping, normalizeGroup);
  const groupSettings: GroupSettings | undefined = settings.groupSearch;
  const idAttribute = settings.idAttribute?.toLowerCase();
  const binaryId = idAttribute === 'objectguid';
  const textAttributes = [
    ...(idAttribute === undefined || binaryId ? [] : [settings.idAttribute ?? '']),
    ...(groupSettings?.mode === 'memberOf' ? [groupSettings.attribute] : []),
    ...settings.attributes,
  ];
  const searchAttributes = textAttributes.length === 0 && !binaryId ? ['1.1'] : textAttributes;
  const label = `ldapProvider "${settings.name}"`;

  const fail = (code: SecbotErrorCode, detail: string, cause?: unknown): never => {
    throw new SecbotError(code, `${label}: ${detail}`, cause === undefined ? {} : { cause });
  };

  const checkCredentials = (credentials: Credentials): { username: string; password: string } => {
    if (credentials?.kind !== 'password')
      return fail('AUTH_INVALID_CREDENTIALS', 'expects password credentials');
    const { username, password } = credentials;
    if (typeof username !== 'string' || typeof password !== 'string') {
      return fail('AUTH_INVALID_CREDENTIALS', 'username and password must be strings');
    }
    if (
      username.length === 0 ||
      username.length > settings.limits.maxUsernameLength ||
      hasLoneSurrogate(username)
    ) {
      return fail(
        'AUTH_INVALID_CREDENTIALS',
        'username is empty, too long or malformed; refused before any bind',
      );
    }
    if (password.trim() === '') {
      return fail('AUTH_INVALID_CREDENTIALS', 'empty or blank password refused before any bind');
    }
    if (password.length > settings.limits.maxPasswordLength || hasLoneSurrogate(password)) {
      return fail('AUTH_INVALID_CREDENTIALS', 'password too long or malformed; refused before any bind');
    }
    return { username, password };
  };

  const absentDn = `cn=secbot-absent-${randomBytes(8).toString('hex')},${settings.userSearch.base}`;

  const findUser = async (
    username: string,
    password: string,
  ): Promise<{ entry: DirectoryEntry; url: string }> => {
    const filterText = settings.userSearch.filter.split(placeholder).join(escapeLdapFilterValue(username));
    const found = await pool.withService(async (connection) => ({
      url: connection.url,
      entries: await connection.search(settings.userSearch.base, {
        scope: settings.userSearch.scope,
        filter: filterText,
        attributes: searchAttributes,
        ...(binaryId ? { binaryAttributes: [settings.idAttribute ?? 'objectGUID'] } : {}),
        sizeLimit: 2,
      }),
    }));
    const [entry, ...others] = found.entries;
    if (entry === undefined) {
      // Bind anyway, as a DN that does not exist, so an unknown user costs the same round trip as a
      // wrong password and the response time does not tell whether the user exists. The outcome is
      // ignored: this login fails whatever the server says.
      await pool.verifyBind(absentDn, password, found.url).catch(() => undefined);
      return fail('AUTH_INVALID_CREDENTIALS', 'no entry matched the user search');
    }
    if (others.length > 0) {
      return fail(
        'AUTH_INVALID_CREDENTIALS',
        'user search matched more than one entry; refusing an ambiguous login',
      );
    }
    if (!isDnWithin(entry.dn, settings.userSearch.base) || (parseDn(entry.dn)?.length ?? 0) === 0) {
      return fail('AUTH_INVALID_CREDENTIALS', 'the matched entry is not inside userSearch.base');
    }
    return { entry, url: found.url };
  };

  const principalId = (entry: DirectoryEntry): string => {
    if (idAttribute === undefined) {
      const normalized = normalizeGroup(entry.dn);
      return isUsableId(normalized)
        ? normalized
        : fail('AUTH_INVALID_CREDENTIALS', 'the user DN is too long to be an id');
    }
    if (binaryId) {
      const [guid, ...more] = entry.binary[idAttribute] ?? [];
      if (guid === undefined || more.length > 0 || guid.length !== 16) {
        return fail(
          'AUTH_INVALID_CREDENTIALS',
          `the user entry has no single 16-byte ${settings.idAttribute}`,
        );
      }
      return formatGuid(guid);
    }
    const [value, ...more] = entry.attributes[idAttribute] ?? [];
    if (value === undefined || more.length > 0 || !isUsableId(value)) {
      return fail(
        'AUTH_INVALID_CREDENTIALS',
        `the user entry has no single usable value of ${settings.idAttribute}`,
      );
    }
    return value;
  };

  const attributesOf = (entry: DirectoryEntry): Record<string, string | readonly string[]> => {
    const out: Record<string, string | readonly string[]> = {};
    for (const name of settings.attributes) {
      const values = entry.attributes[name.toLowerCase()] ?? [];
      if (values.length === 1) out[name] = values[0] ?? '';
      else if (values.length > 1) out[name] = Object.freeze([...values]);
    }
    return out;
  };

  const authenticate = async (credentials: Credentials): Promise<Principal> => {
    const { username, password } = checkCredentials(credentials);
    const { entry, url } = await findUser(username, password);
    const id = principalId(entry);
    try {
      await pool.verifyBind(entry.dn, password, url);
    } catch (err) {
      if (!(err instanceof DirectoryError)) throw err;
      const failure = classifyBindFailure(err);
      return fail(failure.code, failure.detail, err);
    }
    const groups =
      groupSettings === undefined
        ? []
        : (await pool.withService((connection) => resolveGroups(connection, groupSettings, entry))).filter(
            (group) => group.length <= maxGroupLength,
          );
    const attributes = attributesOf(entry);
    return Object.freeze({
      id,
      roles: Object.freeze(roleMapping.map(groups.map(normalizeGroup), [])),
      groups: Object.freeze(groups),
      ...(Object.keys(attributes).length === 0 ? {} : { attributes: Object.freeze(attributes) }),
      authMethod: 'ldap',
      authenticatedAt: now(),
    });
  };

  return {
    name: settings.name,
    kinds: ['password'] as const,
    async authenticate(credentials) {
      try {
        return await authenticate(credentials);
      } catch (err) {
        if (err instanceof DirectoryError) {
          // Only the service account's own bind can be "invalid credentials" here.
          const detail =
            err.kind === 'invalid-credentials' ? 'the service account bind was rejected' : err.message;
          return fail('AUTH_PROVIDER_UNAVAILABLE', detail, err);
        }
        if (err instanceof SecbotError) throw err;
        return fail('AUTH_PROVIDER_UNAVAILABLE', 'unexpected failure talking to the directory', err);
      }
    },
    close: () => pool.close(),
  };
}

/** Longest group DN put into a principal (what the identity package accepts in `groups`). */
const maxGroupLength = 1024;

/** DN comparison key for groups and ids: the normalised DN, or the lower-cased text if malformed. */
function normalizeGroup(group: string): string {
  return parseDn(group)?.join(',') ?? group.toLowerCase();
}

/** A principal id is 1-1024 characters without control characters (NUL, newline...). */
function isUsableId(value: string): boolean {
  return value.length > 0 && value.length <= 1024 && !/\p{Cc}/u.test(value);
}

function hasLoneSurrogate(value: string): boolean {
  // In a `u` regular expression a valid surrogate pair is one code point: this finds lone halves.
  return /\p{Cs}/u.test(value);
}

/** Active Directory's string form of an objectGUID (the first three fields are little-endian). */
function formatGuid(bytes: Uint8Array): string {
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0'));
  const at = (...indexes: number[]): string => indexes.map((index) => hex[index]).join('');
  return `${at(3, 2, 1, 0)}-${at(5, 4)}-${at(7, 6)}-${at(8, 9)}-${at(10, 11, 12, 13, 14, 15)}`;
}

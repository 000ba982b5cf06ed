import type { Clock } from '@secbot/core';
import type { DirectoryClient } from './directory-client.js';
import type { PemInput } from './ldapts-directory-client.js';
import type { RoleMapping } from './role-mapping.js';

/** Options of {@link ldapProvider}. Validated once, when the provider is created. */
export interface LdapProviderOptions {
  /** Name in events, audit lines and error messages. Default `ldap`. */
  readonly name?: string;
  /** The directory: `ldaps://host[:port]` or `ldap://host[:port]` (StartTLS). Give `url` or `urls`. */
  readonly url?: string;
  /**
   * Several servers, in order of preference (1 to 16). A network failure, a timeout or a TLS
   * failure moves on to the next; a rejected password never does. A server that just failed is
   * tried last for `pool.failoverRetryMs`.
   */
  readonly urls?: readonly string[];
  /** The service account that searches for users and groups. */
  readonly bindDN: string;
  /** Its password (never logged, never in an error). */
  readonly bindPassword: string;
  /** Where and how users are found. */
  readonly userSearch: {
    /** Search base; the matched entry must lie inside it. */
    readonly base: string;
    /**
     * RFC 4515 filter with a `{username}` placeholder, e.g.
     * `(&(objectClass=inetOrgPerson)(uid={username}))` or, for Active Directory,
     * `(&(objectClass=user)(sAMAccountName={username}))`. The username is escaped exactly once.
     * Exactly one entry must match.
     */
    readonly filter: string;
    /** `sub` (default) or `one`. */
    readonly scope?: 'one' | 'sub';
  };
  /** How to find the user's groups; none when omitted (roles are then `defaultRoles` only). */
  readonly groupSearch?: LdapGroupSearch;
  /** Group DN -> roles (keys compared as normalised DNs), and default roles. Deny by default. */
  readonly roleMapping?: RoleMapping;
  /**
   * Attribute whose single value becomes the principal id (`uid`, `sAMAccountName`, `objectGUID`
   * in its AD string form). Default: the user's DN, normalised.
   */
  readonly idAttribute?: string;
  /** Attributes copied into `principal.attributes` (at most 32; never password attributes). */
  readonly attributes?: readonly string[];
  /** TLS. Certificates are always verified; there is no switch to turn that off. */
  readonly tls?: {
    /** CA certificate(s) to trust instead of Node's bundled roots (a private CA). */
    readonly ca?: PemInput;
    /** Name the certificate must carry, when it differs from the URL's host. */
    readonly servername?: string;
    /** Lowest TLS version. Default `TLSv1.2`. */
    readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
    /** StartTLS on `ldap://` URLs. Default `true`; `false` requires `insecure: true`. */
    readonly startTLS?: boolean;
  };
  /**
   * Allow `ldap://` without StartTLS (passwords in clear text). Only together with
   * `tls: { startTLS: false }`; for test rigs, never production. Default `false`.
   */
  readonly insecure?: boolean;
  /** Deadlines. */
  readonly timeouts?: {
    /** TCP connect and TLS handshake, ms. Default 5000. */
    readonly connectMs?: number;
    /** Each LDAP operation, ms. Default 10000. */
    readonly operationMs?: number;
  };
  /** The pool of service-account connections. */
  readonly pool?: {
    /** Most connections open at once. Default 4. */
    readonly size?: number;
    /** How long a login waits for a free connection, ms. Default 5000. */
    readonly acquireTimeoutMs?: number;
    /** An idle connection is closed after this long, ms. Default 30000. */
    readonly idleTimeoutMs?: number;
    /** How long a server that failed is tried last, ms. Default 30000. */
    readonly failoverRetryMs?: number;
  };
  /** Input bounds, checked before anything is sent. */
  readonly limits?: {
    /** Longest username, UTF-16 code units. Default 256. */
    readonly maxUsernameLength?: number;
    /** Longest password, UTF-16 code units. Default 1024. */
    readonly maxPasswordLength?: number;
  };
  /** Another LDAP library behind the {@link DirectoryClient} port (TLS settings then go on it). */
  readonly client?: DirectoryClient;
  /** Clock for `authenticatedAt` and failover bookkeeping. Default `Date.now`. */
  readonly now?: Clock;
}

/**
 * How {@link ldapProvider} finds a user's groups:
 * - `memberOf`: the user entry's `memberOf` attribute (OpenLDAP memberof overlay, Active
 *   Directory); nested groups by reading each group's own `memberOf`, level by level.
 * - `member`: search `base` for groups whose `member` lists the user (`groupOfNames`); nested
 *   groups by searching again for groups that list those groups.
 * - `activeDirectory`: one search with LDAP_MATCHING_RULE_IN_CHAIN (1.2.840.113556.1.4.1941): the
 *   domain controller resolves nesting itself.
 *
 * Nested resolution stops after `maxDepth` levels (default 5) and `maxGroups` groups (default
 * 500), and never visits a group twice, so membership cycles are harmless.
 */
export type LdapGroupSearch =
  | {
      readonly mode: 'memberOf';
      /** Default `memberOf`. */
      readonly attribute?: string;
      /** Follow nested groups. Default `true`. */
      readonly nested?: boolean;
      readonly maxDepth?: number;
      readonly maxGroups?: number;
    }
  | {
      readonly mode: 'member';
      readonly base: string;
      readonly scope?: 'one' | 'sub';
      /** Which entries are groups. Default `(objectClass=groupOfNames)`. */
      readonly filter?: string;
      /** Default `member`. */
      readonly memberAttribute?: string;
      /** Follow nested groups. Default `true`. */
      readonly nested?: boolean;
      readonly maxDepth?: number;
      readonly maxGroups?: number;
    }
  | {
      readonly mode: 'activeDirectory';
      readonly base: string;
      readonly scope?: 'one' | 'sub';
      /** Which entries are groups. Default `(objectClass=group)`. */
      readonly filter?: string;
      /** Default `member`. */
      readonly memberAttribute?: string;
      readonly maxGroups?: number;
    };

/**
 * How a principal proved who they are. Providers may use their own names; these are the ones
 * secbot's providers produce.
 */
export type AuthMethod =
  | 'jwt'
  | 'oidc'
  | 'ldap'
  | 'password'
  | 'apiKey'
  | 'session'
  | 'channel'
  | (string & {});

/**
 * An authenticated subject: produced by identity, consumed by rbac, audit and alerts.
 * Times are epoch milliseconds.
 */
export interface Principal {
  /** Stable identifier (a JWT `sub`, an LDAP DN, a local user id). */
  readonly id: string;
  /** The tenant the principal acts in, when the deployment is multi-tenant. */
  readonly tenantId?: string;
  /** Role names, already mapped from claims or groups. Deny-by-default: no roles, no access. */
  readonly roles: readonly string[];
  /** Directory or IdP groups, as received. */
  readonly groups?: readonly string[];
  /** Other facts a policy condition may use (department, clearance). Never credentials. */
  readonly attributes?: Readonly<Record<string, unknown>>;
  /** How the principal authenticated. */
  readonly authMethod: AuthMethod;
  /** When authentication happened. */
  readonly authenticatedAt: number;
  /** When the authentication stops being valid (token `exp`, session end). */
  readonly expiresAt?: number;
}

/** The part of a principal that identifies an actor in events and audit lines. */
export interface ActorRef {
  /** Principal id. */
  readonly id: string;
  /** Roles held when the action happened. */
  readonly roles?: readonly string[];
  /** Tenant the actor acted in. */
  readonly tenantId?: string;
}

/** A thing acted upon: a transcript, a policy, a user. */
export interface TargetRef {
  /** Kind of resource, e.g. `transcript`. */
  readonly type: string;
  /** Identifier of the resource. */
  readonly id: string;
}

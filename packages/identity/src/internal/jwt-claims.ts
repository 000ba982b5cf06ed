import type { AuthMethod, Principal } from '@secbot/core';
import type { JWTPayload } from 'jose';
import type { CompiledRoleMapping } from '../role-mapping.js';
import { invalidToken } from './jwt-errors.js';

// Builds the principal from a verified claims set. Every claim read here was covered by the
// signature, but its shape was not checked by anyone: a claim of the wrong type is refused, never
// coerced, so that two readers of the same token cannot disagree about what it says.

/** Longest subject, tenant, role, group or jti taken from a token. */
const maxValueLength = 1024;
/** Most roles or groups taken from a token. */
const maxListLength = 256;
/** Latest `exp` that is still a valid JavaScript date, in seconds. */
const maxExpSec = 8_640_000_000_000;

/** How claims become a principal. */
export interface ClaimRules {
  readonly name: string;
  readonly authMethod: AuthMethod;
  readonly subjectPath: readonly string[];
  readonly tenantPath: readonly string[] | undefined;
  readonly rolesPath: readonly string[] | undefined;
  readonly groupsPath: readonly string[] | undefined;
  readonly mapping: CompiledRoleMapping;
}

/** The claim at `path`, following own properties of plain objects only (never the prototype). */
export function readClaim(claims: JWTPayload, path: readonly string[]): unknown {
  let value: unknown = claims;
  for (const segment of path) {
    if (
      typeof value !== 'object' ||
      value === null ||
      Array.isArray(value) ||
      !Object.hasOwn(value, segment)
    ) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function boundedString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= maxValueLength;
}

/** A roles or groups claim: absent, one string, or a list of strings; anything else is refused. */
function stringList(rules: ClaimRules, value: unknown, what: string): readonly string[] {
  if (value === undefined) return [];
  if (boundedString(value)) return [value];
  if (Array.isArray(value) && value.length <= maxListLength && value.every(boundedString)) {
    return [...new Set(value as string[])];
  }
  throw invalidToken(rules.name, `${what} claim is not a string or a list of up to ${maxListLength} strings`);
}

/** The token's `exp` in seconds; the caller (jose) has already checked it is a number and not past. */
export function expirySec(rules: ClaimRules, claims: JWTPayload): number {
  const exp = claims.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp > maxExpSec) {
    throw invalidToken(rules.name, 'exp claim is not a usable date');
  }
  return exp;
}

/** The token's `jti` when it is a usable identifier. */
export function tokenId(claims: JWTPayload): string | undefined {
  return boundedString(claims.jti) ? claims.jti : undefined;
}

/**
 * The principal a verified token stands for.
 *
 * Attributes are deliberately few: `iss`, and `jti` and `scope` when present. Profile claims
 * (email, name) are personal data that would then flow into events and audit lines; a deployment
 * that needs them can read the token itself.
 */
export function principalFromClaims(
  rules: ClaimRules,
  claims: JWTPayload,
  exp: number,
  authenticatedAt: number,
): Principal {
  const id = readClaim(claims, rules.subjectPath);
  if (!boundedString(id)) throw invalidToken(rules.name, 'subject claim missing, not a string or too long');
  let tenantId: string | undefined;
  if (rules.tenantPath !== undefined) {
    const tenant = readClaim(claims, rules.tenantPath);
    if (!boundedString(tenant)) throw invalidToken(rules.name, 'tenant claim missing or not a string');
    tenantId = tenant;
  }
  const asserted =
    rules.rolesPath === undefined ? [] : stringList(rules, readClaim(claims, rules.rolesPath), 'roles');
  const groups =
    rules.groupsPath === undefined
      ? undefined
      : stringList(rules, readClaim(claims, rules.groupsPath), 'groups');
  const roles = Object.freeze(rules.mapping.map(groups ?? [], asserted));

  const attributes: Record<string, unknown> = {};
  if (typeof claims.iss === 'string') attributes.iss = claims.iss;
  const jti = tokenId(claims);
  if (jti !== undefined) attributes.jti = jti;
  if (typeof claims.scope === 'string' && claims.scope.length <= 4096) attributes.scope = claims.scope;

  return Object.freeze({
    id,
    ...(tenantId === undefined ? {} : { tenantId }),
    roles,
    ...(groups === undefined ? {} : { groups: Object.freeze([...groups]) }),
    attributes: Object.freeze(attributes),
    authMethod: rules.authMethod,
    authenticatedAt,
    expiresAt: exp * 1000,
  });
}

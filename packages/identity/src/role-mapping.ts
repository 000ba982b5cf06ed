import { z } from 'zod';

/**
 * How a provider turns what the identity source says (groups, a roles claim) into secbot roles.
 * Deny by default: nothing maps to a role unless this mapping says so.
 */
export interface RoleMapping {
  /** Roles for members of each external group (LDAP DN or name, IdP group id). */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  /**
   * Role names the source may assert directly (e.g. in a JWT `roles` claim) and that are taken as
   * they are. Anything else it asserts is ignored. Empty by default.
   */
  readonly acceptRoles?: readonly string[];
  /** Roles every principal of this provider gets (e.g. `customer`). None by default. */
  readonly defaultRoles?: readonly string[];
}

/** Role names in a mapping: as in policies, 1-64 characters of `[A-Za-z0-9_.-]`. */
const roleName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'role names are 1-64 characters of A-Z a-z 0-9 _ . -');

/** Zod schema of a {@link RoleMapping}, for providers' option schemas. */
export const roleMappingSchema = z
  .object({
    groups: z.record(z.string().min(1).max(1024), z.array(roleName)).optional(),
    acceptRoles: z.array(roleName).optional(),
    defaultRoles: z.array(roleName).optional(),
  })
  .strict();

/** A {@link RoleMapping} compiled for lookups (built once, at provider creation). */
export interface CompiledRoleMapping {
  /**
   * Roles for a principal with these groups and asserted roles.
   *
   * @param groups - External groups (compared case-insensitively for LDAP DNs: pass them normalised).
   * @param asserted - Roles the source asserted directly.
   * @returns Sorted, unique role names.
   */
  map(groups: readonly string[], asserted: readonly string[]): string[];
}

/**
 * Compile a role mapping. Group keys are compared after `normalizeGroup` (e.g. lower-casing DNs).
 * An asserted role is taken only if listed in `acceptRoles`; tenant-qualified names (`admin@*`)
 * can never come from outside, so an identity source cannot grant itself cross-tenant roles.
 *
 * @param mapping - The mapping (already validated with {@link roleMappingSchema}).
 * @param normalizeGroup - How group names are compared. Default: as given.
 * @returns The compiled mapping.
 * @example
 * ```ts
 * import { compileRoleMapping } from '@secbot/identity';
 *
 * const mapping = compileRoleMapping({ groups: { 'cn=agents,ou=groups,dc=example,dc=com': ['agent'] }, defaultRoles: ['customer'] });
 * mapping.map(['cn=agents,ou=groups,dc=example,dc=com'], []); // ['agent', 'customer']
 * ```
 */
export function compileRoleMapping(
  mapping: RoleMapping,
  normalizeGroup: (group: string) => string = (group) => group,
): CompiledRoleMapping {
  const groups = new Map<string, readonly string[]>();
  for (const [group, roles] of Object.entries(mapping.groups ?? {})) groups.set(normalizeGroup(group), roles);
  const accepted = new Set(mapping.acceptRoles ?? []);
  const defaults = mapping.defaultRoles ?? [];
  return {
    map(memberOf, asserted) {
      const roles = new Set(defaults);
      for (const group of memberOf) {
        for (const role of groups.get(normalizeGroup(group)) ?? []) roles.add(role);
      }
      for (const role of asserted) if (accepted.has(role)) roles.add(role);
      return [...roles].sort();
    },
  };
}

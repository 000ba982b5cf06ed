/**
 * Who is asking: a `Principal` from `@secbot/core`, or any object with roles.
 *
 * Each entry of `roles` binds a role to a tenant:
 * - `agent`: held in the subject's own `tenantId` (or in no tenant when it has none);
 * - `agent@acme`: held in tenant `acme`;
 * - `support@*`: held across every tenant, accepted only for roles the policy declares
 *   `scope: 'platform'`.
 *
 * A role held in tenant A grants nothing on a resource whose `tenantId` is B.
 */
export interface Subject {
  /** Principal id, used by the `owner` condition and in events. */
  readonly id?: string;
  /** The subject's own tenant, where its unqualified roles are held. */
  readonly tenantId?: string;
  /** Role bindings, as above. */
  readonly roles: readonly string[];
  /** Other facts conditions may use. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** What is acted upon. Conditions see it; `tenantId` scopes roles; `ownerId` serves `owner`. */
export interface Resource {
  /** Kind of resource, e.g. `transcript` (used in events). */
  readonly type?: string;
  /** Identifier (used in events). */
  readonly id?: string;
  /** Tenant the resource belongs to. */
  readonly tenantId?: string;
  /** Principal id of the resource's owner. */
  readonly ownerId?: string;
  /** Any other attribute conditions may read. */
  readonly [attribute: string]: unknown;
}

/**
 * A named predicate a grant can depend on (`{ permission, when: 'owner' }`). It runs only when
 * the decision depends on it, and never without a resource: without one, a conditional allow does
 * not apply and a conditional deny does. A condition that throws counts as failed for an allow and
 * as holding for a deny (fail closed).
 */
export type Condition<R extends object = Resource> = (subject: Subject, resource: R) => boolean;

/** The built-in conditions. */
export const builtinConditions = {
  /** The subject owns the resource: `resource.ownerId === subject.id` (both present). */
  owner: (subject: Subject, resource: Resource): boolean =>
    typeof subject.id === 'string' && typeof resource.ownerId === 'string' && resource.ownerId === subject.id,
  /** The resource is in the subject's own tenant (both present). */
  sameTenant: (subject: Subject, resource: Resource): boolean =>
    typeof subject.tenantId === 'string' &&
    typeof resource.tenantId === 'string' &&
    resource.tenantId === subject.tenantId,
} as const satisfies Record<string, Condition>;

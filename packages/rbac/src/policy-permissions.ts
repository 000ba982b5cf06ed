import type { Subject } from './subject.js';

/**
 * The permissions a policy admin checks, each under the policy in force at the time of the call.
 * Grant `policy:*` (or each one) to the roles that run change control; when the rbac has a
 * `permissions` vocabulary, include these in it.
 *
 * The checks pass no tenant: a role bound in any tenant counts. Grant these only to roles held by
 * the people who administer the whole deployment.
 *
 * @example
 * ```ts
 * import { createRbac, policyPermissions } from '@secbot/rbac';
 *
 * const rbac = createRbac(
 *   { version: 1, roles: { security: { allow: ['policy:*'] } } },
 *   { permissions: ['transcripts:read', ...Object.values(policyPermissions)] },
 * );
 * ```
 */
export const policyPermissions = Object.freeze({
  /** Propose a change. */
  propose: 'policy:propose',
  /** Approve or reject someone else's change. */
  approve: 'policy:approve',
  /** Put an approved change in force. */
  apply: 'policy:apply',
} as const);

/** Who acts on a policy change: a `Principal`, or any {@link Subject} with a non-empty `id`. */
export type PolicyActor = Subject & { readonly id: string };

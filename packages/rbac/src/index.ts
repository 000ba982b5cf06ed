/**
 * Role-based access control for chatbots: a JSON/YAML policy of roles with inheritance, allow
 * and deny grants with wildcards and conditions, tenant-scoped roles, explained decisions,
 * field-level reads, and policy changes that need a second person's approval.
 *
 * @module @secbot/rbac
 */
export {
  type CheckContext,
  createRbac,
  type Rbac,
  type RbacOptions,
  type RbacUpdateResult,
} from './create-rbac.js';
export { maxPolicyTextLength, parsePolicy } from './parse-policy.js';
export { maxPermissionLength, maxPermissionSegments } from './permission.js';
export { diffPolicies, isEmptyDiff } from './policy-diff.js';
export type { Grant, PolicyDocument, RoleDefinition } from './policy-document.js';
export { builtinConditions, type Condition, type Resource, type Subject } from './subject.js';
export { policyLimits } from './validate-policy.js';

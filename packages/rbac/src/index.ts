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
export {
  type JsonFilePolicyHistoryOptions,
  jsonFilePolicyHistory,
} from './json-file-policy-history.js';
export { maxPolicyTextLength, parsePolicy } from './parse-policy.js';
export { maxPermissionLength, maxPermissionSegments } from './permission.js';
export {
  createPolicyAdmin,
  type PolicyAdmin,
  type PolicyAdminOptions,
  type PolicyChangeFilter,
  type PolicyProposal,
} from './policy-admin.js';
export type {
  PolicyApproval,
  PolicyChange,
  PolicyChangeStatus,
  PolicyRejection,
} from './policy-change.js';
export { diffPolicies, isEmptyDiff } from './policy-diff.js';
export type { Grant, PolicyDocument, RoleDefinition } from './policy-document.js';
export { memoryPolicyHistory, type PolicyHistoryStore } from './policy-history-store.js';
export { type PolicyActor, policyPermissions } from './policy-permissions.js';
export {
  maxPolicyTests,
  maxPolicyTestsTextLength,
  type PolicyTestCase,
  type PolicyTestReport,
  type PolicyTestResult,
  type PolicyTestSuite,
  parsePolicyTests,
  runPolicyTests,
} from './policy-tests.js';
export type { ProposalValidator } from './proposal-check.js';
export { builtinConditions, type Condition, type Resource, type Subject } from './subject.js';
export { policyLimits } from './validate-policy.js';

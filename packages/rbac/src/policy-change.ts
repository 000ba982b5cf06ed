import type { PolicyDiff } from '@secbot/core';
import { SecbotError } from '@secbot/core';
import { z } from 'zod';
import { invalidInput } from './invalid-input.js';
import type { PolicyDocument } from './policy-document.js';
import { validatePolicy } from './validate-policy.js';

/**
 * Where a policy change stands. `pending` until enough people other than the proposer approve it,
 * then `approved`; `applied` once in force; `rejected` for good after one rejection.
 */
export type PolicyChangeStatus = 'pending' | 'approved' | 'rejected' | 'applied';

/** One approval of a policy change. */
export interface PolicyApproval {
  /** Principal id of the approver. */
  readonly by: string;
  /** When, epoch milliseconds. */
  readonly at: number;
}

/** One rejection of a policy change. */
export interface PolicyRejection {
  /** Principal id of who rejected it. */
  readonly by: string;
  /** When, epoch milliseconds. */
  readonly at: number;
  /** Why, for the record. */
  readonly reason: string;
}

/**
 * A proposed change to the policy and what became of it: the record a policy admin keeps in its
 * {@link PolicyHistoryStore}. Records handed out are deep-frozen copies.
 */
export interface PolicyChange {
  /** Unique id. */
  readonly id: string;
  /** Where the change stands. */
  readonly status: PolicyChangeStatus;
  /** Version of the policy in force when the change was proposed; it applies only on top of that. */
  readonly baseVersion: string;
  /** Principal id of the proposer, who can never approve it. */
  readonly proposedBy: string;
  /** Why the change is wanted. */
  readonly reason: string;
  /** The complete proposed policy. */
  readonly policy: PolicyDocument;
  /** What it changes relative to the base policy; what approvers review. */
  readonly diff: PolicyDiff;
  /** Approvals so far, oldest first; never the proposer, never one person twice. */
  readonly approvals: readonly PolicyApproval[];
  /** Rejections; one is enough to reject the change. */
  readonly rejections: readonly PolicyRejection[];
  /** When it was proposed, epoch milliseconds. */
  readonly createdAt: number;
  /** When it was applied. */
  readonly appliedAt?: number;
  /** Version of the policy it produced. */
  readonly appliedVersion?: string;
  /** Principal id of who applied it. */
  readonly appliedBy?: string;
  /** Position in the applied history, from 1: orders changes applied within the same millisecond. */
  readonly sequence?: number;
}

/** Longest change id, principal id or version accepted in a record. */
const maxIdLength = 1024;
/** Longest reason accepted. */
export const maxReasonLength = 4000;

const anyCondition = { has: () => true } as unknown as ReadonlySet<string>;

const id = z.string().min(1).max(maxIdLength);
const time = z.number().nonnegative();
const link = z.object({ role: z.string(), parent: z.string() }).strict();

const policySchema = z.unknown().superRefine((value, ctx) => {
  try {
    validatePolicy(value, anyCondition);
  } catch (error) {
    const issues = error instanceof SecbotError && error.issues !== undefined ? error.issues : [];
    if (issues.length === 0) ctx.addIssue({ code: 'custom', message: 'not a valid policy document' });
    for (const issue of issues.slice(0, 20)) {
      ctx.addIssue({ code: 'custom', message: `${issue.path || '(policy)'}: ${issue.message}` });
    }
  }
});

const grantChange = z
  .object({ role: z.string(), effect: z.enum(['allow', 'deny']), grant: z.string() })
  .strict();

const diffSchema = z
  .object({
    rolesAdded: z.array(z.string()),
    rolesRemoved: z.array(z.string()),
    grantsAdded: z.array(grantChange),
    grantsRemoved: z.array(grantChange),
    inheritsAdded: z.array(link),
    inheritsRemoved: z.array(link),
    scopesChanged: z.array(z.object({ role: z.string(), from: z.string(), to: z.string() }).strict()),
  })
  .strict();

/** The shape of a {@link PolicyChange}, with the invariants every stored record must keep. */
export const policyChangeSchema = z
  .object({
    id,
    status: z.enum(['pending', 'approved', 'rejected', 'applied']),
    baseVersion: id,
    proposedBy: id,
    reason: z.string().max(maxReasonLength),
    policy: policySchema,
    diff: diffSchema,
    approvals: z.array(z.object({ by: id, at: time }).strict()),
    rejections: z.array(z.object({ by: id, at: time, reason: z.string().max(maxReasonLength) }).strict()),
    createdAt: time,
    appliedAt: time.optional(),
    appliedVersion: id.optional(),
    appliedBy: id.optional(),
    sequence: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((change, ctx) => {
    const approvers = change.approvals.map((approval) => approval.by);
    if (approvers.includes(change.proposedBy)) {
      ctx.addIssue({ code: 'custom', path: ['approvals'], message: 'the proposer cannot approve' });
    }
    if (new Set(approvers).size !== approvers.length) {
      ctx.addIssue({ code: 'custom', path: ['approvals'], message: 'one approver counted twice' });
    }
    const appliedFields = [change.appliedAt, change.appliedVersion, change.appliedBy, change.sequence];
    if (change.status === 'applied' && appliedFields.some((field) => field === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: 'an applied change needs appliedAt, appliedVersion, appliedBy and sequence',
      });
    }
    if (change.status !== 'applied' && appliedFields.some((field) => field !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: 'only an applied change has applied fields',
      });
    }
    if (change.status === 'rejected' && change.rejections.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['rejections'], message: 'a rejected change needs a rejection' });
    }
    if (change.status !== 'rejected' && change.rejections.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: 'a change with a rejection must be rejected',
      });
    }
  });

/**
 * Freeze an object and everything it holds.
 *
 * @param value - A plain data value.
 * @returns The same value, frozen.
 * @example
 * ```ts
 * const record = deepFreeze({ approvals: [{ by: 'bo', at: 0 }] });
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * Check a change record and return a deep-frozen copy of it, so that no later mutation by the
 * caller (of the record or of the policy object inside it) can alter what was stored. Used by
 * every {@link PolicyHistoryStore} implementation.
 *
 * @param value - The record.
 * @param what - Names the source in error messages, e.g. `policy history`.
 * @returns A frozen, independent copy.
 * @throws SecbotError `ARGUMENT_INVALID` naming each bad path when the record is malformed or
 *   breaks an invariant (the proposer among the approvers, an applied change without its version).
 * @example
 * ```ts
 * const stored = freezeChange(change, 'memory policy history');
 * ```
 */
export function freezeChange(value: unknown, what: string): PolicyChange {
  const parsed = policyChangeSchema.safeParse(value);
  if (!parsed.success) throw invalidInput('ARGUMENT_INVALID', `${what}: invalid change record`, parsed.error);
  // Copy the input, not the parse output: the policy passes through zod as the caller's own object.
  let copy: PolicyChange;
  try {
    copy = structuredClone(value) as PolicyChange;
  } catch (cause) {
    throw new SecbotError('ARGUMENT_INVALID', `${what}: change record is not plain data`, { cause });
  }
  return deepFreeze(copy);
}

import { randomUUID } from 'node:crypto';
import {
  type Decision,
  eventBusSchema,
  parseOptions,
  SecbotError,
  type SecurityEventBus,
} from '@secbot/core';
import { z } from 'zod';
import type { Rbac, RbacUpdateResult } from './create-rbac.js';
import { takeControl } from './internal/governance.js';
import { invalidInput } from './invalid-input.js';
import { deepFreeze, maxReasonLength, type PolicyChange, type PolicyChangeStatus } from './policy-change.js';
import { diffPolicies, isEmptyDiff } from './policy-diff.js';
import type { PolicyDocument } from './policy-document.js';
import { memoryPolicyHistory, type PolicyHistoryStore } from './policy-history-store.js';
import { type PolicyActor, policyPermissions } from './policy-permissions.js';
import { checkProposal, type ProposalValidator } from './proposal-check.js';

/** Options of {@link createPolicyAdmin}. */
export interface PolicyAdminOptions {
  /** The rbac to govern, from {@link createRbac}. From now on only this admin can change its policy. */
  readonly rbac: Rbac<string, object>;
  /** Where changes are kept. Default {@link memoryPolicyHistory}. */
  readonly history?: PolicyHistoryStore;
  /** Approvals needed, by people other than the proposer. Integer, at least 1; default 1. */
  readonly requiredApprovals?: number;
  /** Bus for `policy.change.proposed`, `policy.change.approved` and `policy.change.applied`. */
  readonly bus?: SecurityEventBus;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** Change ids. Default `crypto.randomUUID`. */
  readonly generateId?: () => string;
  /**
   * Extra check of a proposed policy, run after the structural one; throw to refuse it. Pass
   * `(policy) => { createRbac(policy, sameOptionsAsTheRbac) }` so proposals are compiled with the
   * rbac's own conditions and permission vocabulary. Without it, grant conditions are checked
   * against the built-ins and those the current policy already uses.
   */
  readonly validate?: ProposalValidator;
}

/** What {@link PolicyAdmin.propose} takes. */
export interface PolicyProposal {
  /** The complete new policy (not a patch). */
  readonly policy: PolicyDocument;
  /** Who proposes it; needs `policy:propose`. */
  readonly by: PolicyActor;
  /** Why, for reviewers and the record. */
  readonly reason: string;
}

/** What {@link PolicyAdmin.list} takes. */
export interface PolicyChangeFilter {
  /** Only changes with this status. */
  readonly status?: PolicyChangeStatus;
}

/**
 * Four-eyes change control over an {@link Rbac}: a change is proposed, approved by enough people
 * other than its proposer, and only then applied, on top of the very policy it was proposed
 * against. Operations run one at a time, in call order. Records returned are frozen copies.
 */
export interface PolicyAdmin {
  /**
   * Propose a new policy.
   *
   * @param proposal - The policy, who proposes it and why.
   * @returns The `pending` change, with the diff reviewers will see.
   * @throws SecbotError `RBAC_DENIED` without `policy:propose`; `CONFIG_INVALID` naming the bad
   *   paths of an invalid policy; `POLICY_CHANGE_CONFLICT` when it changes nothing;
   *   `ARGUMENT_INVALID` for a malformed proposal.
   */
  propose(proposal: PolicyProposal): Promise<PolicyChange>;
  /**
   * Approve a change. It becomes `approved` once `requiredApprovals` people approved it.
   *
   * @param id - The change id.
   * @param by - The approver; needs `policy:approve` and must not be the proposer.
   * @returns The change after this approval.
   * @throws SecbotError `POLICY_CHANGE_NOT_FOUND`; `POLICY_SELF_APPROVAL` for the proposer,
   *   whatever roles they hold; `RBAC_DENIED` without `policy:approve`; `POLICY_CHANGE_CONFLICT`
   *   when this person already approved it or it is no longer pending.
   */
  approve(id: string, by: PolicyActor): Promise<PolicyChange>;
  /**
   * Reject a pending or approved change, for good.
   *
   * @param id - The change id.
   * @param by - Who rejects it; needs `policy:approve`.
   * @param reason - Why, for the record.
   * @returns The `rejected` change.
   * @throws SecbotError `POLICY_CHANGE_NOT_FOUND`; `RBAC_DENIED`; `POLICY_CHANGE_CONFLICT` when
   *   it is already applied or rejected.
   */
  reject(id: string, by: PolicyActor, reason: string): Promise<PolicyChange>;
  /**
   * Put an approved change in force.
   *
   * @param id - The change id.
   * @param by - Who applies it; needs `policy:apply`.
   * @returns The `applied` change, with `appliedAt` and `appliedVersion`.
   * @throws SecbotError `POLICY_CHANGE_NOT_FOUND`; `RBAC_DENIED`; `POLICY_CHANGE_UNAPPROVED` for a
   *   pending or rejected change; `POLICY_CHANGE_CONFLICT` when it was already applied or the
   *   policy in force is no longer the one it was proposed against (propose it again);
   *   `CONFIG_INVALID` when it does not compile under the rbac's options (nothing changes).
   */
  apply(id: string, by: PolicyActor): Promise<PolicyChange>;
  /**
   * One change.
   *
   * @param id - The change id.
   * @returns The change.
   * @throws SecbotError `POLICY_CHANGE_NOT_FOUND`.
   */
  get(id: string): Promise<PolicyChange>;
  /**
   * Changes in the order they were proposed.
   *
   * @param filter - Only those with a given status.
   * @returns The changes.
   */
  list(filter?: PolicyChangeFilter): Promise<readonly PolicyChange[]>;
  /**
   * The applied changes, oldest first: how the policy came to be what it is.
   *
   * @returns The applied changes.
   */
  history(): Promise<readonly PolicyChange[]>;
  /** Approvals a change needs. */
  readonly requiredApprovals: number;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';

const optionsSchema = z
  .object({
    rbac: z.custom<Rbac<string, object>>((value) => {
      const rbac = value as Partial<Rbac> | null;
      return (
        typeof rbac === 'object' &&
        rbac !== null &&
        isFunction(rbac.check) &&
        typeof rbac.version === 'string'
      );
    }, 'must be an rbac made by createRbac'),
    history: z
      .custom<PolicyHistoryStore>((value) => {
        const store = value as Partial<PolicyHistoryStore> | null;
        return (
          typeof store === 'object' &&
          store !== null &&
          isFunction(store.save) &&
          isFunction(store.get) &&
          isFunction(store.list)
        );
      }, 'must be a PolicyHistoryStore')
      .optional(),
    requiredApprovals: z.number().int().min(1).max(100).default(1),
    bus: eventBusSchema.optional(),
    now: z.custom<() => number>(isFunction, 'must be a function').optional(),
    generateId: z.custom<() => string>(isFunction, 'must be a function').optional(),
    validate: z.custom<ProposalValidator>(isFunction, 'must be a function').optional(),
  })
  .strict();

const actorSchema = z.object({ id: z.string().min(1).max(1024), roles: z.array(z.string()) });
const reasonSchema = z
  .string()
  .max(maxReasonLength)
  .refine((reason) => reason.trim() !== '', 'must not be blank');
const proposalSchema = z.object({ policy: z.unknown(), by: actorSchema, reason: reasonSchema }).strict();

function parseArgument<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput('ARGUMENT_INVALID', `policy admin: ${what}`, parsed.error);
  return parsed.data;
}

function parseId(id: unknown): string {
  if (typeof id !== 'string')
    throw new SecbotError('ARGUMENT_INVALID', 'policy admin: change id must be a string');
  return id;
}

/**
 * Put an {@link Rbac} under four-eyes change control. From this call on, `rbac.update()` refuses
 * with `POLICY_CHANGE_UNAPPROVED`, and the returned admin is the only way to change the policy:
 * propose, have it approved by `requiredApprovals` people other than the proposer, then apply.
 *
 * Each operation checks the actor's permission ({@link policyPermissions}) under the policy in
 * force at that moment, and runs only after the previous operation finished, so two applies of
 * changes proposed against the same policy cannot both succeed.
 *
 * @param options - The rbac, history store, approvals needed, bus, clock, ids, extra validation.
 * @returns The admin.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option, or when the rbac was not made by
 *   {@link createRbac} or is already governed by another admin.
 * @example
 * ```ts
 * import { createPolicyAdmin, createRbac } from '@secbot/rbac';
 *
 * const rbac = createRbac({
 *   version: 1,
 *   roles: { admin: { allow: ['policy:*'] }, agent: { allow: ['transcripts:read'] } },
 * });
 * const admin = createPolicyAdmin({ rbac, requiredApprovals: 1 });
 * const ana = { id: 'ana', roles: ['admin'] };
 * const bo = { id: 'bo', roles: ['admin'] };
 *
 * const change = await admin.propose({
 *   by: ana,
 *   reason: 'agents export transcripts for audits',
 *   policy: { ...rbac.policy, roles: { ...rbac.policy.roles, agent: { allow: ['transcripts:read', 'transcripts:export'] } } },
 * });
 * await admin.approve(change.id, bo); // ana cannot approve her own change
 * await admin.apply(change.id, ana);
 * ```
 */
export function createPolicyAdmin(options: PolicyAdminOptions): PolicyAdmin {
  const config = parseOptions(optionsSchema, options, 'createPolicyAdmin');
  const rbac = config.rbac;
  const history = config.history ?? memoryPolicyHistory();
  const required = config.requiredApprovals;
  const bus = config.bus;
  const now = config.now ?? Date.now;
  const generateId = config.generateId ?? randomUUID;
  const validate = config.validate;
  // Last, so that invalid options leave the rbac as it was.
  const control = takeControl<RbacUpdateResult>(rbac);
  const applyPolicy = control.apply;

  // Every operation runs after the previous one settles: reads, checks and writes of one
  // operation are never interleaved with another's.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };

  const authorize = (
    by: PolicyActor,
    permission: string,
    change: { id: string; proposedBy: string },
  ): void => {
    const resource = { type: 'policy-change', id: change.id, ownerId: change.proposedBy };
    const decision: Decision = rbac.check(by, permission, resource);
    if (!decision.allowed) {
      throw new SecbotError(
        'RBAC_DENIED',
        `policy admin: "${by.id}" may not ${permission} (${decision.reason}) under policy ${rbac.version}`,
      );
    }
  };

  /** Distinct approvers other than the proposer: the only approvals that count. */
  const approvers = (change: PolicyChange): string[] => [
    ...new Set(change.approvals.map((approval) => approval.by).filter((by) => by !== change.proposedBy)),
  ];

  // `approved` is derived from the approvals and the current requirement, so raising
  // requiredApprovals between restarts also holds back changes approved under the old number.
  const effectiveStatus = (change: PolicyChange): PolicyChangeStatus => {
    if (change.status !== 'pending' && change.status !== 'approved') return change.status;
    return approvers(change).length >= required ? 'approved' : 'pending';
  };

  const present = (change: PolicyChange): PolicyChange => {
    const status = effectiveStatus(change);
    return status === change.status ? change : deepFreeze({ ...structuredClone(change), status });
  };

  const load = async (id: unknown): Promise<PolicyChange> => {
    const change = await history.get(parseId(id));
    if (change === undefined)
      throw new SecbotError('POLICY_CHANGE_NOT_FOUND', 'policy admin: no such policy change');
    return change;
  };

  const save = async (change: PolicyChange): Promise<PolicyChange> => {
    await history.save(change);
    return deepFreeze(change);
  };

  return {
    requiredApprovals: required,

    propose: (proposal) =>
      exclusive(async () => {
        const input = parseArgument(proposalSchema, proposal, 'proposal');
        const by = proposal.by;
        let id: unknown;
        try {
          id = generateId();
        } catch (cause) {
          throw new SecbotError('INTERNAL', 'policy admin: generateId failed', { cause });
        }
        if (typeof id !== 'string' || id === '' || id.length > 1024) {
          throw new SecbotError('INTERNAL', 'policy admin: generateId returned an unusable id');
        }
        authorize(by, policyPermissions.propose, { id, proposedBy: input.by.id });
        const policy = await checkProposal(input.policy, control.check, validate);
        const base = rbac.policy;
        const baseVersion = rbac.version;
        const diff = diffPolicies(base, policy);
        if (isEmptyDiff(diff)) {
          throw new SecbotError(
            'POLICY_CHANGE_CONFLICT',
            `policy admin: the proposed policy changes no role, grant, inheritance or scope of policy ${baseVersion}`,
          );
        }
        if ((await history.get(id)) !== undefined) {
          throw new SecbotError('POLICY_CHANGE_CONFLICT', 'policy admin: generated change id already exists');
        }
        const at = now();
        const change = await save({
          id,
          status: 'pending',
          baseVersion,
          proposedBy: input.by.id,
          reason: input.reason,
          policy,
          diff,
          approvals: [],
          rejections: [],
          createdAt: at,
        });
        bus?.emit('policy.change.proposed', {
          ts: at,
          changeId: id,
          by: change.proposedBy,
          baseVersion,
          diff: change.diff,
        });
        return change;
      }),

    approve: (id, by) =>
      exclusive(async () => {
        const actor = parseArgument(actorSchema, by, 'by');
        const change = await load(id);
        if (actor.id === change.proposedBy) {
          throw new SecbotError(
            'POLICY_SELF_APPROVAL',
            `policy admin: "${actor.id}" proposed this change and cannot approve it`,
          );
        }
        authorize(by, policyPermissions.approve, change);
        if (change.approvals.some((approval) => approval.by === actor.id)) {
          throw new SecbotError(
            'POLICY_CHANGE_CONFLICT',
            `policy admin: "${actor.id}" already approved this change`,
          );
        }
        const status = effectiveStatus(change);
        if (status !== 'pending') {
          throw new SecbotError(
            'POLICY_CHANGE_CONFLICT',
            `policy admin: the change is ${status}, not pending`,
          );
        }
        const at = now();
        const next: PolicyChange = {
          ...structuredClone(change),
          approvals: [...change.approvals, { by: actor.id, at }],
        };
        const saved = await save({ ...next, status: effectiveStatus(next) });
        bus?.emit('policy.change.approved', {
          ts: at,
          changeId: saved.id,
          by: actor.id,
          approvals: approvers(saved).length,
          required,
        });
        return saved;
      }),

    reject: (id, by, reason) =>
      exclusive(async () => {
        const actor = parseArgument(actorSchema, by, 'by');
        const why = parseArgument(reasonSchema, reason, 'reason');
        const change = await load(id);
        authorize(by, policyPermissions.approve, change);
        const status = effectiveStatus(change);
        if (status === 'applied' || status === 'rejected') {
          throw new SecbotError('POLICY_CHANGE_CONFLICT', `policy admin: the change is already ${status}`);
        }
        const at = now();
        const saved = await save({
          ...structuredClone(change),
          status: 'rejected',
          rejections: [...change.rejections, { by: actor.id, at, reason: why }],
        });
        bus?.emit('policy.change.rejected', { ts: at, changeId: saved.id, by: actor.id, reason: why });
        return saved;
      }),

    apply: (id, by) =>
      exclusive(async () => {
        const actor = parseArgument(actorSchema, by, 'by');
        const change = await load(id);
        authorize(by, policyPermissions.apply, change);
        const status = effectiveStatus(change);
        if (status === 'applied') {
          throw new SecbotError('POLICY_CHANGE_CONFLICT', 'policy admin: the change is already applied');
        }
        const approvedBy = approvers(change);
        // The one path to applyPolicy: an approved status and enough distinct approvals other than
        // the proposer's, checked here again rather than trusted from the record.
        if (status !== 'approved' || approvedBy.length < required) {
          throw new SecbotError(
            'POLICY_CHANGE_UNAPPROVED',
            `policy admin: the change is ${status} with ${approvedBy.length} of ${required} approvals`,
          );
        }
        const fromVersion = rbac.version;
        if (change.baseVersion !== fromVersion) {
          throw new SecbotError(
            'POLICY_CHANGE_CONFLICT',
            `policy admin: the change was proposed against policy ${change.baseVersion}, but ${fromVersion} is in force; propose it again`,
          );
        }
        const previous = rbac.policy;
        const sequence = (await history.list()).filter((record) => record.status === 'applied').length + 1;
        const result = applyPolicy(change.policy);
        const at = now();
        let saved: PolicyChange;
        try {
          saved = await save({
            ...structuredClone(change),
            status: 'applied',
            appliedAt: at,
            appliedVersion: result.version,
            appliedBy: actor.id,
            sequence,
          });
        } catch (error) {
          // Never leave a policy in force that the history does not record.
          try {
            applyPolicy(previous);
          } catch (rollback) {
            throw new SecbotError(
              'INTERNAL',
              'policy admin: history write failed and the previous policy could not be restored',
              {
                cause: new AggregateError([error, rollback]),
              },
            );
          }
          throw error;
        }
        bus?.emit('policy.change.applied', {
          ts: at,
          changeId: saved.id,
          proposedBy: saved.proposedBy,
          approvedBy,
          fromVersion,
          toVersion: result.version,
          diff: saved.diff,
        });
        return saved;
      }),

    get: (id) => exclusive(async () => present(await load(id))),

    list: (filter = {}) =>
      exclusive(async () => {
        const status = filter.status;
        const all = (await history.list()).map(present);
        return status === undefined ? all : all.filter((change) => change.status === status);
      }),

    history: () =>
      exclusive(async () =>
        (await history.list())
          .filter((change) => change.status === 'applied')
          .sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0)),
      ),
  };
}

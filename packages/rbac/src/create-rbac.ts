import { createHash } from 'node:crypto';
import {
  type ActorRef,
  type Decision,
  eventBusSchema,
  parseOptions,
  SecbotError,
  type SecurityContext,
  type SecurityEventBus,
  type TargetRef,
} from '@secbot/core';
import { z } from 'zod';
import { canonicalJson } from './internal/canonical-json.js';
import { type CompiledRole, compileRoles } from './internal/compile.js';
import { Decider, noGrant } from './internal/decider.js';
import { applyUngoverned, registerControl } from './internal/governance.js';
import { parsePermission } from './permission.js';
import type { PolicyDocument } from './policy-document.js';
import { builtinConditions, type Condition, type Resource, type Subject } from './subject.js';
import { validatePolicy } from './validate-policy.js';

/** Options of {@link createRbac}. */
export interface RbacOptions<P extends string = string, R extends object = Resource> {
  /**
   * Named conditions grants may depend on (`{ permission, when: name }`), added to the built-ins
   * `owner` and `sameTenant` (a condition of the same name replaces the built-in).
   */
  readonly conditions?: Readonly<Record<string, Condition<R>>>;
  /**
   * The permissions the application checks. When given, `can` and friends accept only these
   * (a misspelt permission is a type error), and a policy grant that covers none of them is
   * refused with `CONFIG_INVALID` (a misspelt grant fails at load, not silently).
   */
  readonly permissions?: readonly P[];
  /** Bus on which `access.denied` (always) and `access.granted` (sampled) are emitted. */
  readonly bus?: SecurityEventBus;
  /** Fraction of grants emitted as `access.granted`, 0 to 1. Default 0. */
  readonly grantedSampleRate?: number;
  /** Randomness for sampling, `[0, 1)`. Default `Math.random`. */
  readonly random?: () => number;
}

/** What {@link Rbac.update} reports. */
export interface RbacUpdateResult {
  /** Content hash of the policy now in force. */
  readonly version: string;
  /** Roles compiled anew; the others were reused unchanged. */
  readonly recompiled: number;
}

/** Extra request facts for the events a check emits. */
export type CheckContext = Partial<Pick<SecurityContext, 'requestId' | 'channel' | 'ip' | 'tenantId'>>;

/**
 * The compiled policy and its checks. Default deny; deny overrides allow at any depth of
 * inheritance; roles are scoped to tenants (see {@link Subject}).
 */
export interface Rbac<P extends string = string, R extends object = Resource> {
  /**
   * Whether `subject` may do `permission` (on `resource`). Never throws: a malformed permission
   * or subject is simply denied.
   *
   * @param subject - A `Principal` or any `{ roles }`.
   * @param permission - `resource:action`, e.g. `transcripts:read`.
   * @param resource - What is acted upon; needed for conditions and tenant scoping.
   * @param context - Request facts for the emitted events.
   */
  can(subject: Subject, permission: P, resource?: R, context?: CheckContext): boolean;
  /**
   * Decide and explain: the deciding role and rule, or `no-grant`, or the deny rule that won.
   *
   * @param subject - A `Principal` or any `{ roles }`.
   * @param permission - The permission.
   * @param resource - What is acted upon.
   * @param context - Request facts for the emitted events.
   */
  check(subject: Subject, permission: P, resource?: R, context?: CheckContext): Decision;
  /**
   * Return if allowed, throw otherwise.
   *
   * @param subject - A `Principal` or any `{ roles }`.
   * @param permission - The permission.
   * @param resource - What is acted upon.
   * @param context - Request facts for the emitted events.
   * @throws SecbotError `RBAC_DENIED`, whose message carries the explanation (for logs; clients
   *   get the generic `publicMessage`).
   */
  authorize(subject: Subject, permission: P, resource?: R, context?: CheckContext): void;
  /**
   * Which of a resource's fields the subject may see: field `f` is visible when
   * `${permission}:${f}` is allowed (so `transcripts:read` covers every field unless a deny such
   * as `transcripts:read:ssn` removes one).
   *
   * @param subject - A `Principal` or any `{ roles }`.
   * @param permission - The read permission, e.g. `transcripts:read`.
   * @param fields - Candidate field names.
   * @param resource - The resource the fields belong to.
   * @returns The visible fields, in the order given.
   */
  allowedFields<F extends string>(subject: Subject, permission: P, fields: readonly F[], resource?: R): F[];
  /**
   * Replace the policy atomically: a check sees the old or the new policy, never a mix. Only roles
   * whose definition or ancestors changed are recompiled. Refused once a policy admin controls
   * this instance: changes then go through propose and approve.
   *
   * @param policy - The new policy.
   * @returns The new version and how many roles were recompiled.
   * @throws SecbotError `CONFIG_INVALID` for an invalid policy (the old one stays in force);
   *   `POLICY_CHANGE_UNAPPROVED` under change control.
   */
  update(policy: PolicyDocument): RbacUpdateResult;
  /** Content hash of the policy in force (SHA-256 of its canonical JSON, base64url). */
  readonly version: string;
  /** The policy in force, deep-frozen. */
  readonly policy: PolicyDocument;
}

const optionsSchema = z
  .object({
    conditions: z
      .record(
        z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
        z.custom<Condition<object>>((v) => typeof v === 'function', 'must be a function'),
      )
      .optional(),
    permissions: z.array(z.string()).optional(),
    bus: eventBusSchema.optional(),
    grantedSampleRate: z.number().min(0).max(1).default(0),
    random: z.custom<() => number>((v) => typeof v === 'function', 'must be a function').optional(),
  })
  .strict();

interface State {
  readonly decider: Decider;
  readonly version: string;
  readonly policy: PolicyDocument;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

function checkVocabulary(decider: Decider, vocabulary: readonly string[] | undefined): void {
  if (vocabulary === undefined) return;
  const known = vocabulary.map((permission) => parsePermission(permission, false));
  const covers = (grant: readonly string[], permission: readonly string[]) =>
    grant.every((segment, i) => i >= permission.length || segment === '*' || segment === permission[i]);
  const issues: { path: string; message: string }[] = [];
  for (const role of decider.roles.values()) {
    for (const [pattern] of role.effective) {
      const grant = pattern.split(':');
      // a grant fits the vocabulary when it covers a known permission, or refines one (a field)
      if (!known.some((permission) => permission !== undefined && covers(grant, permission))) {
        issues.push({
          path: `roles.${role.name}`,
          message: `grant "${pattern}" matches no known permission`,
        });
      }
    }
  }
  const unique = [...new Map(issues.map((issue) => [issue.message, issue])).values()];
  if (unique.length > 0 || known.includes(undefined)) {
    const bad = known.includes(undefined)
      ? [{ path: 'permissions', message: 'not a well-formed permission' }]
      : [];
    const all = [...bad, ...unique];
    throw new SecbotError(
      'CONFIG_INVALID',
      `rbac policy: ${all.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      {
        issues: all,
      },
    );
  }
}

/**
 * Compile a policy into an {@link Rbac}. Everything is validated and compiled here, once:
 * effective permissions per role (transitive), wildcard patterns, and the caches checks use.
 *
 * @param policy - The policy document (see {@link PolicyDocument}; {@link parsePolicy} reads JSON or YAML).
 * @param options - Conditions, permission vocabulary, event bus.
 * @returns The compiled policy with `can`, `check`, `authorize`, `allowedFields` and `update`.
 * @throws SecbotError `CONFIG_INVALID` naming every problem: malformed grants, unknown parent
 *   roles or conditions, inheritance cycles, grants outside the vocabulary, bad options.
 * @example
 * ```ts
 * import { createRbac } from '@secbot/rbac';
 *
 * const rbac = createRbac({
 *   version: 1,
 *   roles: {
 *     customer: { allow: ['bot:chat', { permission: 'transcripts:read', when: 'owner' }] },
 *     agent: { inherits: ['customer'], allow: ['transcripts:read'], deny: ['transcripts:delete'] },
 *   },
 * });
 * const ana = { id: 'ana', roles: ['customer'] };
 * rbac.can(ana, 'transcripts:read', { ownerId: 'ana' }); // true
 * rbac.check(ana, 'transcripts:read', { ownerId: 'bob' }); // { allowed: false, reason: 'condition-failed', ... }
 * ```
 */
export function createRbac<const P extends string = string, R extends object = Resource>(
  policy: PolicyDocument,
  options: RbacOptions<P, R> = {},
): Rbac<P, R> {
  const config = parseOptions(optionsSchema, options, 'createRbac');
  const conditions = new Map<string, Condition<object>>(
    Object.entries(builtinConditions) as [string, Condition<object>][],
  );
  for (const [name, condition] of Object.entries(config.conditions ?? {})) conditions.set(name, condition);
  const conditionNames = new Set(conditions.keys());
  const bus = config.bus;
  const sampleRate = config.grantedSampleRate;
  const random = config.random ?? Math.random;

  const load = (
    input: unknown,
    previous?: ReadonlyMap<string, CompiledRole>,
  ): { state: State; recompiled: number } => {
    const roles = validatePolicy(input, conditionNames);
    const compiled = compileRoles(roles, previous);
    const decider = new Decider(compiled.roles, compiled.shapes, conditions);
    const frozen = deepFreeze(structuredClone(input) as PolicyDocument);
    checkVocabulary(decider, config.permissions);
    const version = createHash('sha256').update(canonicalJson(frozen)).digest('base64url');
    return { state: { decider, version, policy: frozen }, recompiled: compiled.recompiled };
  };

  let state = load(policy).state;

  const emit = (
    decision: Decision,
    subject: Subject,
    permission: string,
    resource: unknown,
    context?: CheckContext,
  ) => {
    if (bus === undefined) return;
    if (decision.allowed && (sampleRate === 0 || random() >= sampleRate)) return;
    const actor: ActorRef = {
      id: typeof subject?.id === 'string' ? subject.id : 'anonymous',
      ...(Array.isArray(subject?.roles) ? { roles: [...subject.roles] } : {}),
      ...(typeof subject?.tenantId === 'string' ? { tenantId: subject.tenantId } : {}),
    };
    const r = resource as Resource | undefined;
    const target: TargetRef | undefined =
      typeof r?.type === 'string' && typeof r.id === 'string' ? { type: r.type, id: r.id } : undefined;
    const common = {
      actor,
      permission,
      ...(target === undefined ? {} : { target }),
      ...(decision.role === undefined ? {} : { role: decision.role }),
      ...(decision.rule === undefined ? {} : { rule: decision.rule }),
      ...(context?.requestId === undefined ? {} : { requestId: context.requestId }),
      ...(context?.channel === undefined ? {} : { channel: context.channel }),
      ...(context?.ip === undefined ? {} : { ip: context.ip }),
      ...(context?.tenantId === undefined
        ? r?.tenantId === undefined
          ? {}
          : { tenantId: r.tenantId }
        : { tenantId: context.tenantId }),
    };
    if (decision.allowed) bus.emit('access.granted', common);
    else bus.emit('access.denied', { ...common, reason: decision.reason });
  };

  const decide = (subject: Subject, permission: string, resource: unknown): Decision => {
    if (subject === null || typeof subject !== 'object' || typeof permission !== 'string') return noGrant;
    const tenant = (resource as Resource | undefined)?.tenantId;
    return state.decider.decide(
      subject,
      permission,
      resource === null || typeof resource !== 'object' ? undefined : resource,
      typeof tenant === 'string' ? tenant : undefined,
    );
  };

  const explain = (subject: Subject, permission: string, resource: unknown): Decision => {
    const decision = decide(subject, permission, resource);
    const tenant = (resource as Resource | undefined)?.tenantId;
    if (decision.reason !== 'no-grant' || typeof tenant !== 'string') return decision;
    const elsewhere = state.decider.decideIgnoringTenant(subject, permission, resource as object);
    if (!elsewhere.allowed) return decision;
    return Object.freeze({
      allowed: false,
      reason: 'tenant-mismatch',
      role: elsewhere.role,
      rule: elsewhere.rule,
    });
  };

  const rbac: Rbac<P, R> = {
    can(subject, permission, resource, context) {
      const decision = decide(subject, permission, resource);
      if (bus !== undefined) emit(decision, subject, permission, resource, context);
      return decision.allowed;
    },
    check(subject, permission, resource, context) {
      const decision = explain(subject, permission, resource);
      if (bus !== undefined) emit(decision, subject, permission, resource, context);
      return decision;
    },
    authorize(subject, permission, resource, context) {
      const decision = explain(subject, permission, resource);
      if (bus !== undefined) emit(decision, subject, permission, resource, context);
      if (decision.allowed) return;
      const by = decision.role === undefined ? '' : ` (role "${decision.role}", rule "${decision.rule}")`;
      throw new SecbotError(
        'RBAC_DENIED',
        `rbac: ${String(permission).slice(0, 256)} denied: ${decision.reason}${by}`,
      );
    },
    allowedFields(subject, permission, fields, resource) {
      return fields.filter((field) => decide(subject, `${permission}:${field}`, resource).allowed);
    },
    update(next) {
      return applyUngoverned<RbacUpdateResult>(rbac, next);
    },
    get version() {
      return state.version;
    },
    get policy() {
      return state.policy;
    },
  };

  registerControl<RbacUpdateResult>(rbac, {
    apply: (next) => {
      const loaded = load(next, state.decider.roles);
      state = loaded.state;
      return { version: state.version, recompiled: loaded.recompiled };
    },
    // compile with this rbac's conditions and vocabulary, without putting the result in force
    check: (next) => {
      load(next, state.decider.roles);
    },
  });
  return rbac;
}

import type { DecisionReason } from './decision.js';
import type { SecbotErrorCode } from './error-codes.js';
import type { ActorRef, AuthMethod, TargetRef } from './principal.js';

/** How serious an alert or finding is. */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** One grant added or removed by a policy change. */
export interface GrantChange {
  /** Role the grant belongs to. */
  readonly role: string;
  /** Whether it is an allow or a deny rule. */
  readonly effect: 'allow' | 'deny';
  /** The grant as written, e.g. `transcripts:read` or `transcripts:read when owner`. */
  readonly grant: string;
}

/** What a policy change does, for reviewers and the audit trail. */
export interface PolicyDiff {
  /** Roles the change creates. */
  readonly rolesAdded: readonly string[];
  /** Roles the change deletes. */
  readonly rolesRemoved: readonly string[];
  /** Grants the change adds. */
  readonly grantsAdded: readonly GrantChange[];
  /** Grants the change removes. */
  readonly grantsRemoved: readonly GrantChange[];
  /** Inheritance links the change adds: `role` will inherit `parent`. */
  readonly inheritsAdded: readonly { readonly role: string; readonly parent: string }[];
  /** Inheritance links the change removes. */
  readonly inheritsRemoved: readonly { readonly role: string; readonly parent: string }[];
  /** Roles whose scope changes (e.g. from `tenant` to `platform`). */
  readonly scopesChanged: readonly { readonly role: string; readonly from: string; readonly to: string }[];
}

/**
 * The payload of each security event, by event name. An interface, so an application can add
 * its own events by declaration merging (`declare module '@secbot/core' { interface SecurityEventPayloads { ... } }`).
 */
export interface SecurityEventPayloads {
  /** A principal authenticated. */
  'auth.success': { readonly actor: ActorRef; readonly provider: string; readonly method: AuthMethod };
  /** An authentication attempt failed. `username` is the claimed name, never a password or token. */
  'auth.failure': {
    readonly provider: string;
    readonly method: AuthMethod;
    readonly code: SecbotErrorCode;
    readonly username?: string;
    /** A provider-specific reason for operators, e.g. `password-expired`. */
    readonly detail?: string;
  };
  /** A username or client address was locked out after repeated failures. */
  'auth.lockout': {
    readonly scope: 'user' | 'ip';
    readonly key: string;
    readonly failures: number;
    readonly retryAfterSec: number;
  };
  /** An access check allowed an action (usually sampled). */
  'access.granted': {
    readonly actor: ActorRef;
    readonly permission: string;
    readonly target?: TargetRef;
    readonly role?: string;
    readonly rule?: string;
  };
  /** An access check denied an action. */
  'access.denied': {
    readonly actor: ActorRef;
    readonly permission: string;
    readonly target?: TargetRef;
    readonly reason: DecisionReason;
    readonly role?: string;
    readonly rule?: string;
  };
  /** Someone proposed a policy change. */
  'policy.change.proposed': {
    readonly changeId: string;
    readonly by: string;
    readonly baseVersion: string;
    readonly diff: PolicyDiff;
  };
  /** Someone approved a policy change. */
  'policy.change.approved': {
    readonly changeId: string;
    readonly by: string;
    readonly approvals: number;
    readonly required: number;
  };
  /** Someone rejected a policy change; it can never be applied. */
  'policy.change.rejected': { readonly changeId: string; readonly by: string; readonly reason: string };
  /** A policy change took effect. `approvedBy` lists who approved it. */
  'policy.change.applied': {
    readonly changeId: string;
    readonly proposedBy: string;
    readonly approvedBy: readonly string[];
    readonly fromVersion: string;
    readonly toVersion: string;
    readonly diff: PolicyDiff;
  };
  /**
   * A role was granted to a subject (by an admin API, a directory sync, a policy change). `actor`
   * granted it; a grant to oneself is what privilege-escalation rules look for.
   */
  'role.granted': { readonly actor: ActorRef; readonly subject: ActorRef; readonly role: string };
  /**
   * A single-use token (an invitation, a password-reset link, a one-time login code, an OAuth
   * authorisation code) was redeemed. A second redemption of the same `jti` is a replay.
   */
  'token.redeemed': { readonly jti: string; readonly actor?: ActorRef; readonly purpose?: string };
  /**
   * A message was recognised as a prompt-injection attempt (instructions to ignore previous
   * instructions, a jailbreak marker, an encoded payload) or a canary leak; `kind` says which.
   */
  'injection.detected': {
    readonly actor?: ActorRef;
    readonly conversationId?: string;
    readonly direction: 'inbound' | 'outbound';
    readonly kind: string;
  };
  /** A key was rotated; `scope` names what it protects (e.g. `kek`, `tenant:acme`). */
  'key.rotated': { readonly keyId: string; readonly previousKeyId?: string; readonly scope: string };
  /** Keys were destroyed (crypto-shredding): everything they protected is now unreadable. */
  'key.destroyed': { readonly keyIds: readonly string[]; readonly scope: string; readonly by?: string };
  /** A ciphertext failed to open: tampering, a wrong context, or a destroyed key. */
  'crypto.decrypt_failed': {
    readonly code: SecbotErrorCode;
    readonly keyId?: string;
    readonly context?: Readonly<Record<string, string>>;
  };
  /** A chat message arrived (metadata only, never its text). */
  'message.received': {
    readonly actor?: ActorRef;
    readonly conversationId?: string;
    readonly length: number;
  };
  /** Personal data or secrets were removed from a message. */
  'message.redacted': {
    readonly direction: 'inbound' | 'outbound';
    readonly conversationId?: string;
    readonly findings: readonly { readonly type: string; readonly count: number }[];
  };
  /** A detection rule fired. */
  'alert.raised': {
    readonly alertId: string;
    readonly ruleId: string;
    readonly severity: Severity;
    readonly summary: string;
    readonly groupKey: string;
    readonly count: number;
  };
  /** An alert was resolved: the condition that raised it has cleared. */
  'alert.resolved': { readonly alertId: string; readonly ruleId: string; readonly groupKey: string };
  /**
   * An alert notification could not be delivered through a channel. `outcome`: `retrying` (it will
   * be tried again), `dead-lettered` (retries exhausted or a permanent refusal: it sits in the
   * dead-letter list) or `dropped` (the outbox was full, or a memory-only outbox closed with it).
   */
  'alert.delivery_failed': {
    readonly channel: string;
    readonly notificationId: string;
    readonly alertIds: readonly string[];
    readonly attempts: number;
    readonly code: SecbotErrorCode;
    /** The receiver's status code (HTTP status, SMTP reply code), when there was one. */
    readonly receiverStatus?: number;
    readonly outcome: 'retrying' | 'dead-lettered' | 'dropped';
  };
  /** Verification found the audit chain broken. */
  'audit.chain_broken': { readonly seq: number; readonly reason: string; readonly source: string };
}

/** Every security event name. */
export type SecurityEventType = keyof SecurityEventPayloads;

/** Fields every event carries, whatever its type. */
export interface SecurityEventBase<T extends SecurityEventType = SecurityEventType> {
  /** The event name. */
  readonly type: T;
  /** When it happened, epoch milliseconds. */
  readonly ts: number;
  /** The request or turn it belongs to. */
  readonly requestId?: string;
  /** The tenant it belongs to. */
  readonly tenantId?: string;
  /** The transport, e.g. `http`. */
  readonly channel?: string;
  /** The client address. */
  readonly ip?: string;
}

/** A security event; with no type argument, the discriminated union of all of them. */
export type SecurityEvent<T extends SecurityEventType = SecurityEventType> = {
  [K in T]: SecurityEventBase<K> & SecurityEventPayloads[K];
}[T];

/** What a caller passes to emit: the event without `type`, and `ts` optional (the bus's clock fills it). */
export type SecurityEventInput<T extends SecurityEventType> = Omit<SecurityEventBase<T>, 'type' | 'ts'> & {
  readonly ts?: number;
} & SecurityEventPayloads[T];

/** Every security event name, at run time. */
export const securityEventTypes = [
  'auth.success',
  'auth.failure',
  'auth.lockout',
  'access.granted',
  'access.denied',
  'policy.change.proposed',
  'policy.change.approved',
  'policy.change.rejected',
  'policy.change.applied',
  'role.granted',
  'token.redeemed',
  'injection.detected',
  'key.rotated',
  'key.destroyed',
  'crypto.decrypt_failed',
  'message.received',
  'message.redacted',
  'alert.raised',
  'alert.resolved',
  'alert.delivery_failed',
  'audit.chain_broken',
] as const satisfies readonly SecurityEventType[];

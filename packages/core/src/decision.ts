/** Why an access decision came out as it did. */
export type DecisionReason =
  /** A grant allowed it. */
  | 'granted'
  /** No role held a matching grant (default deny). */
  | 'no-grant'
  /** A deny rule matched; deny overrides allow. */
  | 'denied-by-rule'
  /** A grant matched but its condition did not hold. */
  | 'condition-failed'
  /** The role was held in another tenant than the resource's. */
  | 'tenant-mismatch'
  /** The permission is not well-formed (`resource:action` segments); nothing can grant it. */
  | 'invalid-permission';

/** The explained outcome of an access check. */
export interface Decision {
  /** Whether the action is allowed. */
  readonly allowed: boolean;
  /** Why. */
  readonly reason: DecisionReason;
  /** The role whose grant or deny decided, if any. */
  readonly role?: string;
  /** The grant or deny rule that decided, as written in the policy. */
  readonly rule?: string;
}

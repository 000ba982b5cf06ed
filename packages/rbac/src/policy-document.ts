/**
 * A grant: a permission pattern (`transcripts:read`, `transcripts:*`, `*`), optionally only
 * when a named condition holds for the resource (`{ permission: 'transcripts:read', when: 'owner' }`).
 */
export type Grant = string | { readonly permission: string; readonly when: string };

/** One role of a {@link PolicyDocument}. */
export interface RoleDefinition {
  /** What the role is for, shown to reviewers. */
  readonly description?: string;
  /**
   * `tenant` (the default): the role grants only on resources of the tenant it is held in.
   * `platform`: the role may be held across all tenants, but only through an explicit
   * `role@*` binding on the subject.
   */
  readonly scope?: 'tenant' | 'platform';
  /** Roles whose grants and denies this role also has. */
  readonly inherits?: readonly string[];
  /** What the role may do. */
  readonly allow?: readonly Grant[];
  /** What the role may never do, whatever any role allows: deny overrides allow. */
  readonly deny?: readonly Grant[];
}

/**
 * The policy: which roles exist and what each may do. JSON-compatible (YAML accepted by
 * {@link parsePolicy}); validated when loaded. Default deny: what no grant allows is denied.
 *
 * @example
 * ```ts
 * import type { PolicyDocument } from '@secbot/rbac';
 *
 * const policy: PolicyDocument = {
 *   version: 1,
 *   roles: {
 *     customer: { allow: ['bot:chat', { permission: 'transcripts:read', when: 'owner' }] },
 *     agent: { inherits: ['customer'], allow: ['transcripts:read'], deny: ['transcripts:delete'] },
 *   },
 * };
 * ```
 */
export interface PolicyDocument {
  /** Format version; always 1. */
  readonly version: 1;
  /** Roles by name. Names are 1-64 characters of `[A-Za-z0-9_.-]`. */
  readonly roles: Readonly<Record<string, RoleDefinition>>;
}

import { maxDocumentTextLength, parseJsonOrYaml } from './internal/parse-document.js';
import type { PolicyDocument } from './policy-document.js';
import { validatePolicy } from './validate-policy.js';

/** Largest policy text accepted, in characters. */
export const maxPolicyTextLength = maxDocumentTextLength;

const anyCondition: ReadonlySet<string> = { has: () => true } as unknown as ReadonlySet<string>;

/**
 * Parse a policy document from JSON or YAML text and check its structure (grant syntax,
 * parents, cycles). Condition names are checked when the policy is loaded by {@link createRbac}.
 *
 * @param text - JSON or YAML; JSON is tried first.
 * @returns The document.
 * @throws SecbotError `CONFIG_INVALID` for text that is not JSON or YAML, is too large, uses YAML
 *   aliases excessively, or does not describe a valid policy (naming each bad path).
 * @example
 * ```ts
 * import { parsePolicy } from '@secbot/rbac';
 *
 * const policy = parsePolicy(`
 * version: 1
 * roles:
 *   customer: { allow: ['bot:chat'] }
 * `);
 * ```
 */
export function parsePolicy(text: string): PolicyDocument {
  const document = parseJsonOrYaml(text, 'rbac policy');
  validatePolicy(document, anyCondition);
  return document as PolicyDocument;
}

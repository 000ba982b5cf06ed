import { SecbotError } from '@secbot/core';
import type { PolicyDocument } from './policy-document.js';

/** A caller-supplied extra check of a proposed policy; it throws to refuse it. */
export type ProposalValidator = (policy: PolicyDocument) => void | Promise<void>;

/** A JSON-only copy: what is reviewed, stored and applied is plain data, identical in every store. */
function plainCopy(policy: unknown): unknown {
  try {
    const text = JSON.stringify(policy);
    return text === undefined ? undefined : JSON.parse(text);
  } catch (cause) {
    throw new SecbotError('CONFIG_INVALID', 'policy admin: the proposed policy is not JSON-compatible data', {
      issues: [{ path: 'policy', message: 'not JSON-compatible' }],
      cause,
    });
  }
}

/**
 * Check a proposed policy before anyone is asked to approve it. It is copied to plain JSON data,
 * then compiled exactly as the rbac would compile it (same conditions, same permission vocabulary)
 * without being put in force; then the optional extra `validate` runs. The rbac compiles the policy
 * again when it is applied, so nothing that does not compile can ever be put in force.
 *
 * @param policy - The proposed policy, as the caller passed it.
 * @param compile - The rbac's dry-run compile, from its change-control capability.
 * @param validate - The extra check, if any.
 * @returns A plain, independent copy of the policy.
 * @throws SecbotError `CONFIG_INVALID` naming each bad path; a SecbotError thrown by `validate`
 *   as it is; any other error thrown by `validate` wrapped in `CONFIG_INVALID`.
 */
export async function checkProposal(
  policy: unknown,
  compile: (policy: unknown) => void,
  validate: ProposalValidator | undefined,
): Promise<PolicyDocument> {
  const copy = plainCopy(policy);
  compile(copy);
  const document = copy as PolicyDocument;
  if (validate !== undefined) {
    try {
      await validate(structuredClone(document));
    } catch (error) {
      if (error instanceof SecbotError) throw error;
      throw new SecbotError('CONFIG_INVALID', 'policy admin: the proposed policy failed validation', {
        issues: [{ path: 'policy', message: 'refused by the validate option' }],
        cause: error,
      });
    }
  }
  return document;
}

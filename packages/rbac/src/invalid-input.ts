import { type ConfigIssue, formatPath, SecbotError, type SecbotErrorCode } from '@secbot/core';
import type { z } from 'zod';

/**
 * Turn a failed zod parse into a coded `SecbotError` whose message and `issues` name every
 * offending path (never the offending value, which may be anything a caller passed). Internal:
 * not exported from the package entry.
 *
 * @param code - `CONFIG_INVALID` for documents and options, `ARGUMENT_INVALID` for call arguments.
 * @param what - What was being read, e.g. `policy tests`; starts the message.
 * @param error - The zod error.
 * @returns The error to throw.
 * @example
 * ```ts
 * const parsed = schema.safeParse(input);
 * if (!parsed.success) throw invalidInput('CONFIG_INVALID', 'policy tests', parsed.error);
 * ```
 */
export function invalidInput(code: SecbotErrorCode, what: string, error: z.ZodError): SecbotError {
  const issues: ConfigIssue[] = error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  const summary = issues
    .slice(0, 20)
    .map((issue) => `${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`);
  const more = issues.length > 20 ? `; and ${issues.length - 20} more` : '';
  return new SecbotError(code, `${what}: ${summary.join('; ')}${more}`, { issues, cause: error });
}

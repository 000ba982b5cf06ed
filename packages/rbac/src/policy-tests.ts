import { type Decision, type DecisionReason, SecbotError } from '@secbot/core';
import { z } from 'zod';
import { createRbac, type Rbac, type RbacOptions } from './create-rbac.js';
import { maxDocumentTextLength, parseJsonOrYaml } from './internal/parse-document.js';
import { invalidInput } from './invalid-input.js';
import type { PolicyDocument } from './policy-document.js';

/** One expectation about the policy: this subject may (or may not) do this. */
export interface PolicyTestCase {
  /** Shown in the report. Default `tests[i]`. */
  readonly name?: string;
  /** Who asks: role bindings as in a {@link Subject}, and optionally an id, tenant and attributes. */
  readonly subject: {
    readonly id?: string;
    readonly tenantId?: string;
    readonly roles: readonly string[];
    readonly attributes?: Readonly<Record<string, unknown>>;
  };
  /** The permission checked, e.g. `transcripts:read`. */
  readonly permission: string;
  /** The resource, for conditions and tenant scoping, e.g. `{ ownerId: 'ana', tenantId: 'acme' }`. */
  readonly resource?: Readonly<Record<string, unknown>>;
  /** The expected outcome. */
  readonly expect: 'allow' | 'deny';
  /** The expected reason too, e.g. `denied-by-rule` rather than just any denial. */
  readonly reason?: DecisionReason;
}

/** A list of {@link PolicyTestCase}s, as read from a JSON or YAML file by {@link parsePolicyTests}. */
export interface PolicyTestSuite {
  /** The tests; at least one. */
  readonly tests: readonly PolicyTestCase[];
}

/** The outcome of one test. */
export interface PolicyTestResult {
  /** The test's name. */
  readonly name: string;
  /** What the test expected. */
  readonly expected: 'allow' | 'deny';
  /** The reason the test expected, if it named one. */
  readonly expectedReason?: DecisionReason;
  /** What the policy decided, with the deciding role and rule. */
  readonly decision: Decision;
  /** Whether the decision (and its reason, when one was expected) matched. */
  readonly ok: boolean;
}

/** What {@link runPolicyTests} reports. */
export interface PolicyTestReport {
  /** Tests whose expectation held. */
  readonly passed: number;
  /** Tests whose expectation did not hold. */
  readonly failed: number;
  /** Each test, in suite order. */
  readonly results: readonly PolicyTestResult[];
}

/** Most tests in one suite. */
export const maxPolicyTests = 100_000;
/** Largest suite text {@link parsePolicyTests} reads, in characters. */
export const maxPolicyTestsTextLength = maxDocumentTextLength;

const reasons = [
  'granted',
  'no-grant',
  'denied-by-rule',
  'condition-failed',
  'tenant-mismatch',
  'invalid-permission',
] as const satisfies readonly DecisionReason[];

const testSchema = z
  .object({
    name: z.string().min(1).max(256).optional(),
    subject: z
      .object({
        id: z.string().max(1024).optional(),
        tenantId: z.string().max(1024).optional(),
        roles: z.array(z.string().max(1024)).max(1000),
        attributes: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
    permission: z.string().min(1).max(1024),
    resource: z.record(z.string(), z.unknown()).optional(),
    expect: z.enum(['allow', 'deny']),
    reason: z.enum(reasons).optional(),
  })
  .strict()
  .superRefine((test, ctx) => {
    if (test.reason !== undefined && (test.reason === 'granted') !== (test.expect === 'allow')) {
      ctx.addIssue({
        code: 'custom',
        path: ['reason'],
        message: `reason "${test.reason}" contradicts expect "${test.expect}"`,
      });
    }
  });

const suiteSchema = z.object({ tests: z.array(testSchema).min(1).max(maxPolicyTests) }).strict();

function checkSuite(suite: unknown): PolicyTestSuite {
  const parsed = suiteSchema.safeParse(suite);
  if (!parsed.success) throw invalidInput('CONFIG_INVALID', 'policy tests', parsed.error);
  return parsed.data;
}

/**
 * Read a policy test suite from JSON or YAML text and check its shape.
 *
 * @param text - JSON or YAML; JSON is tried first.
 * @returns The suite.
 * @throws SecbotError `CONFIG_INVALID` for text that is neither JSON nor YAML, is larger than
 *   10 MiB, or does not describe a suite (naming each bad path, e.g. `tests[2].expect`).
 * @example
 * ```ts
 * import { parsePolicyTests } from '@secbot/rbac';
 *
 * const suite = parsePolicyTests(`
 * tests:
 *   - name: customers cannot export
 *     subject: { roles: [customer] }
 *     permission: transcripts:export
 *     expect: deny
 * `);
 * ```
 */
export function parsePolicyTests(text: string): PolicyTestSuite {
  const document = parseJsonOrYaml(text, 'policy tests');
  return checkSuite(document);
}

const isRbac = (value: unknown): value is Rbac<string, object> =>
  typeof value === 'object' && value !== null && typeof (value as Rbac).check === 'function';

/**
 * Run a policy test suite: check each subject and permission against the policy and compare the
 * decision with the expectation. This is what `secbot policy test` runs, and what a policy admin's
 * `validate` option can run to refuse a proposal that breaks an expectation.
 *
 * Checks against an {@link Rbac} that has an event bus emit access events like any check, with
 * channel `policy-test`; pass the policy document instead to test without emitting.
 *
 * @param target - A compiled {@link Rbac}, or a policy document to compile with {@link createRbac}.
 * @param suite - The tests (validated here; see {@link parsePolicyTests} for files).
 * @param options - Options for {@link createRbac} when `target` is a document (e.g. its conditions).
 * @returns Counts and each result, in suite order.
 * @throws SecbotError `CONFIG_INVALID` naming the bad path of a malformed suite or an invalid
 *   policy document; `ARGUMENT_INVALID` when options are given with an already compiled Rbac.
 * @example
 * ```ts
 * import { runPolicyTests } from '@secbot/rbac';
 *
 * const report = runPolicyTests(
 *   { version: 1, roles: { customer: { allow: ['bot:chat'] } } },
 *   { tests: [{ subject: { roles: ['customer'] }, permission: 'transcripts:export', expect: 'deny', reason: 'no-grant' }] },
 * );
 * // report.passed === 1, report.failed === 0
 * ```
 */
export function runPolicyTests(
  target: Rbac<string, object> | PolicyDocument,
  suite: PolicyTestSuite,
  options?: RbacOptions,
): PolicyTestReport {
  const tests = checkSuite(suite).tests;
  let rbac: Rbac<string, object>;
  if (isRbac(target)) {
    if (options !== undefined) {
      throw new SecbotError(
        'ARGUMENT_INVALID',
        'runPolicyTests: options apply only when given a policy document',
      );
    }
    rbac = target;
  } else {
    rbac = createRbac(target, options);
  }
  let passed = 0;
  const results = tests.map((test, index): PolicyTestResult => {
    const decision = rbac.check(test.subject, test.permission, test.resource, { channel: 'policy-test' });
    const ok =
      decision.allowed === (test.expect === 'allow') &&
      (test.reason === undefined || test.reason === decision.reason);
    if (ok) passed += 1;
    return {
      name: test.name ?? `tests[${index}]`,
      expected: test.expect,
      ...(test.reason === undefined ? {} : { expectedReason: test.reason }),
      decision,
      ok,
    };
  });
  return { passed, failed: results.length - passed, results };
}

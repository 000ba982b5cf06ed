import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { Finding } from '../finding.js';
import { applyOperator, type Operator } from '../operators/operator.js';
import { redactOperator } from '../operators/redact-operator.js';
import { type PathSegment, parseRedactPath } from './redact-path.js';

const fn = <T>() => z.custom<T>((value) => typeof value === 'function', 'must be a function');

const objectRedactorOptionsSchema = z
  .object({
    paths: z.array(z.string()).max(10_000),
    operator: z
      .custom<Operator>(
        (value) => typeof (value as Operator | null)?.replace === 'function',
        'must be an Operator',
      )
      .optional(),
    type: z.string().min(1).max(64).default('REDACTED'),
    censor: z
      .union([z.string().max(256), fn<(value: unknown, path: readonly string[]) => unknown>()])
      .default('[REDACTED]'),
    scan: fn<(text: string) => readonly Finding[]>().optional(),
    maxDepth: z.number().int().min(1).max(1000).default(32),
  })
  .strict()
  .superRefine((options, ctx) => {
    for (const [index, path] of options.paths.entries()) {
      const parsed = parseRedactPath(path);
      if (typeof parsed === 'string')
        ctx.addIssue({ code: 'custom', path: ['paths', index], message: parsed });
    }
  });

/** Options of {@link compileObjectRedactor}. */
export interface ObjectRedactorOptions {
  /** Paths to redact, pino-style: `a.b`, `a[*].b`, `a["x-y"]`, `a[0]`, `*.password`. */
  readonly paths: readonly string[];
  /**
   * Applied to string values at `paths` (as a finding of type `type`) and to what `scan` finds.
   * When omitted, values at `paths` get `censor`, and scanned findings {@link redactOperator}.
   */
  readonly operator?: Operator;
  /** The type a value at a path is given for `operator` (e.g. `EMAIL` to hash as emails). Default `REDACTED`. */
  readonly type?: string;
  /**
   * What replaces a value at a path that `operator` does not take (all of them without one; objects,
   * numbers and the like with one): a string, or a function of the value and its path. Default
   * `[REDACTED]`, also used when the function throws.
   */
  readonly censor?: string | ((value: unknown, path: readonly string[]) => unknown);
  /**
   * A text scanner (e.g. `(text) => scanText(text, detectors)`) run on every other string value,
   * so free text gets the same treatment. If it throws, the string is censored.
   */
  readonly scan?: (text: string) => readonly Finding[];
  /** Deepest nesting copied; deeper values become `[Truncated]`. Default 32. */
  readonly maxDepth?: number;
}

/** A compiled object redactor: returns a redacted deep copy, never mutating its input. */
export type ObjectRedactor = <T>(value: T) => T;

interface Node {
  readonly children: Map<string, Node>;
  any: Node | undefined;
  terminal: boolean;
}

const newNode = (): Node => ({ children: new Map(), any: undefined, terminal: false });

/**
 * Compile redaction paths once into a matcher; the returned function copies structured data
 * (logs, audit details, alert payloads) with the values at those paths replaced. Plain objects and
 * arrays are copied (other objects as plain objects of their own enumerable properties, Dates as
 * Dates); `__proto__` keys are dropped, never followed; a cycle becomes `[Circular]`; past
 * `maxDepth` a value becomes `[Truncated]`; a property whose getter throws is censored.
 *
 * @param options - Paths, operator or censor, optional text scanner, depth bound.
 * @returns The redactor.
 * @throws SecbotError `CONFIG_INVALID` naming a malformed path (`paths[2]`) or another bad option.
 * @example
 * ```ts
 * import { compileObjectRedactor } from '@secbot/privacy';
 *
 * const redact = compileObjectRedactor({ paths: ['user.password', 'headers["x-api-key"]', 'cards[*].number'] });
 * redact({ user: { name: 'ann', password: 'pw' }, cards: [{ number: '4111' }] });
 * // { user: { name: 'ann', password: '[REDACTED]' }, cards: [{ number: '[REDACTED]' }] }
 * ```
 */
export function compileObjectRedactor(options: ObjectRedactorOptions): ObjectRedactor {
  const config = parseOptions(objectRedactorOptionsSchema, options, 'compileObjectRedactor');
  const { operator, type, censor, scan, maxDepth } = config;
  const root = newNode();
  for (const path of config.paths) {
    let node = root;
    for (const segment of parseRedactPath(path) as PathSegment[]) {
      if (segment.kind === 'any') node = node.any ??= newNode();
      else {
        let next = node.children.get(segment.key);
        if (next === undefined) {
          next = newNode();
          node.children.set(segment.key, next);
        }
        node = next;
      }
    }
    node.terminal = true;
  }
  const scanOperator = operator ?? redactOperator();
  const trail: string[] = [];

  const censored = (value: unknown): unknown => {
    if (typeof censor === 'string') return censor;
    try {
      return censor(value, [...trail]);
    } catch {
      return '[REDACTED]';
    }
  };
  const atPath = (value: unknown): unknown => {
    if (operator === undefined || typeof value !== 'string') return censored(value);
    try {
      return operator.replace(value, type);
    } catch {
      return censored(value);
    }
  };
  const text = (value: string): unknown => {
    if (scan === undefined) return value;
    try {
      return applyOperator(value, scan(value), scanOperator);
    } catch {
      return censored(value);
    }
  };

  const walk = (value: unknown, nodes: readonly Node[], depth: number, ancestors: Set<object>): unknown => {
    if (typeof value === 'string') return text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (value instanceof Date) return new Date(value.getTime());
    if (ancestors.has(value)) return '[Circular]';
    if (depth >= maxDepth) return '[Truncated]';
    ancestors.add(value);
    try {
      const isArray = Array.isArray(value);
      const out: Record<string, unknown> | unknown[] = isArray ? [] : {};
      for (const key of Object.keys(value)) {
        if (key === '__proto__') continue;
        const children: Node[] = [];
        let terminal = false;
        for (const node of nodes) {
          const exact = node.children.get(key);
          if (exact !== undefined) children.push(exact);
          if (node.any !== undefined) children.push(node.any);
        }
        for (const child of children) terminal ||= child.terminal;
        trail.push(key);
        let copy: unknown;
        try {
          const member = (value as Record<string, unknown>)[key];
          copy = terminal ? atPath(member) : walk(member, children, depth + 1, ancestors);
        } catch {
          copy = censored(undefined);
        }
        trail.pop();
        (out as Record<string, unknown>)[key] = copy;
      }
      return out;
    } catch {
      return censored(value);
    } finally {
      ancestors.delete(value);
    }
  };

  return <T>(value: T): T => {
    trail.length = 0;
    return walk(value, [root], 0, new Set()) as T;
  };
}

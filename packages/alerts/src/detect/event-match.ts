import type { DetectionEvent } from '../alert.js';
import type { EventMatch, FieldCondition, FieldScalar } from './detection-rule.js';
import { compilePath, type FieldReader } from './field-path.js';

/** A compiled test on an event. */
export type EventTest = (event: DetectionEvent) => boolean;

/** A compiled match: the event types it looks at, and the test for each. */
export interface CompiledMatch {
  /** Every event type named. */
  readonly types: readonly string[];
  /** Whether an event of the given type (already read from it) matches. */
  readonly test: (event: DetectionEvent, type: string) => boolean;
}

type ValueTest = (value: unknown) => boolean;

const anyOf =
  (test: ValueTest): ValueTest =>
  (value) =>
    Array.isArray(value) ? value.some(test) : test(value);

const present = (value: unknown): boolean => value !== undefined && value !== null;

type ReaderOf = (path: string) => FieldReader;

function compileCondition(path: string, condition: FieldCondition, readerOf: ReaderOf): EventTest {
  const read = readerOf(path);
  if ('equals' in condition) {
    const expected: FieldScalar = condition.equals;
    const test = anyOf((value) => value === expected);
    return (event) => test(read(event));
  }
  if ('in' in condition) {
    const allowed = new Set<unknown>(condition.in);
    const test = anyOf((value) => allowed.has(value));
    return (event) => test(read(event));
  }
  if ('exists' in condition) {
    const wanted = condition.exists;
    return (event) => present(read(event)) === wanted;
  }
  if ('prefix' in condition) {
    const prefix = condition.prefix;
    const test = anyOf((value) => typeof value === 'string' && value.startsWith(prefix));
    return (event) => test(read(event));
  }
  if ('empty' in condition) {
    const wanted = condition.empty;
    return (event) => {
      const value = read(event);
      const empty = !present(value) || value === '' || (Array.isArray(value) && value.length === 0);
      return empty === wanted;
    };
  }
  const other = readerOf(condition.sameAs);
  return (event) => {
    const value = read(event);
    return present(value) && typeof value !== 'object' && value === other(event);
  };
}

function compileOne(match: EventMatch, readerOf: ReaderOf): { types: readonly string[]; test: EventTest } {
  const types = typeof match.type === 'string' ? [match.type] : [...match.type];
  const tests = Object.entries(match.where ?? {}).map(([path, condition]) =>
    compileCondition(path, condition, readerOf),
  );
  const [only] = tests;
  if (tests.length === 0) return { types, test: () => true };
  if (tests.length === 1 && only !== undefined) return { types, test: only };
  return { types, test: (event) => tests.every((test) => test(event)) };
}

/**
 * Compile a rule's match (one or several alternatives) once, when the detector is made.
 *
 * @param match - The match as validated.
 * @param readerOf - Makes the field readers (the detector's shared, per-event memo).
 * @returns Its event types and a test per event.
 */
export function compileMatch(
  match: EventMatch | readonly EventMatch[],
  readerOf: ReaderOf = compilePath,
): CompiledMatch {
  const alternatives = (Array.isArray(match) ? match : [match]) as readonly EventMatch[];
  const byType = new Map<string, EventTest[]>();
  for (const alternative of alternatives) {
    const { types, test } = compileOne(alternative, readerOf);
    for (const type of types) {
      const tests = byType.get(type) ?? [];
      tests.push(test);
      byType.set(type, tests);
    }
  }
  const tests = new Map<string, EventTest>();
  for (const [type, list] of byType) {
    const [only] = list;
    tests.set(type, list.length === 1 && only !== undefined ? only : (event) => list.some((t) => t(event)));
  }
  const [single, ...others] = tests;
  if (single !== undefined && others.length === 0) {
    // One type (most rules): a string comparison, no lookup.
    const [only, test] = single;
    return { types: [only], test: (event, type) => type === only && test(event) };
  }
  return {
    types: [...tests.keys()],
    test: (event, type) => tests.get(type)?.(event) === true,
  };
}

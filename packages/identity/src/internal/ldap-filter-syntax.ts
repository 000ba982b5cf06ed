// A strict RFC 4515 syntax check for search filters, used once when a provider is created so that a
// malformed filter template fails with CONFIG_INVALID at start-up instead of at the first login.
// It checks syntax only; the directory decides what a filter means.

/** Longest filter accepted, in characters. */
export const maxFilterLength = 4096;
const maxNesting = 32;

const attributeDescription = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*$/;
const matchingRule = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/;

/**
 * Why `filter` is not a valid RFC 4515 filter, or `undefined` when it is.
 *
 * @param filter - The filter, with parentheses.
 * @returns A short reason, or `undefined`.
 */
export function ldapFilterSyntaxError(filter: string): string | undefined {
  if (filter.length === 0) return 'filter is empty';
  if (filter.length > maxFilterLength) return `filter is longer than ${maxFilterLength} characters`;
  try {
    const end = parseFilter(filter, 0, 0);
    if (end !== filter.length) return `unexpected text at offset ${end}`;
    return undefined;
  } catch (err) {
    return err instanceof FilterSyntaxError ? err.message : 'filter is malformed';
  }
}

class FilterSyntaxError extends Error {}

function fail(message: string): never {
  throw new FilterSyntaxError(message);
}

/** Parse `( filtercomp )` starting at `at`; returns the offset after the closing parenthesis. */
function parseFilter(filter: string, at: number, depth: number): number {
  if (depth > maxNesting) fail(`filter nests deeper than ${maxNesting} levels`);
  if (filter[at] !== '(') fail(`expected "(" at offset ${at}`);
  let cursor = at + 1;
  const head = filter[cursor];
  if (head === '&' || head === '|') {
    cursor += 1;
    if (filter[cursor] !== '(') fail(`"${head}" needs at least one filter at offset ${cursor}`);
    while (filter[cursor] === '(') cursor = parseFilter(filter, cursor, depth + 1);
  } else if (head === '!') {
    cursor = parseFilter(filter, cursor + 1, depth + 1);
  } else {
    const close = findItemEnd(filter, cursor);
    checkItem(filter.slice(cursor, close), cursor);
    cursor = close;
  }
  if (filter[cursor] !== ')') fail(`expected ")" at offset ${cursor}`);
  return cursor + 1;
}

function findItemEnd(filter: string, from: number): number {
  for (let index = from; index < filter.length; index += 1) {
    const char = filter[index];
    if (char === ')') return index;
    if (char === '(') fail(`unescaped "(" at offset ${index}`);
  }
  return fail('missing ")"');
}

/** One simple, presence, substring or extensible item, without its parentheses. */
function checkItem(item: string, offset: number): void {
  const extensible = /^([^:=<>~]*)((?::dn)?(?::[^:=]+)?):=(.*)$/s.exec(item);
  if (extensible !== null && !/^[^:]*[<>~]?=/.test(item)) {
    const [, type = '', modifiers = '', value = ''] = extensible;
    const parts = modifiers.split(':').slice(1);
    if (parts[0]?.toLowerCase() === 'dn') parts.shift();
    const rule = parts[0];
    if (type === '' && rule === undefined)
      fail(`extensible match needs a type or a rule at offset ${offset}`);
    if (type !== '' && !attributeDescription.test(type))
      fail(`invalid attribute "${type}" at offset ${offset}`);
    if (rule !== undefined && !matchingRule.test(rule)) fail(`invalid matching rule at offset ${offset}`);
    checkValue(value, offset, false);
    return;
  }
  const simple = /^([^=<>~]+)(=|<=|>=|~=)(.*)$/s.exec(item);
  if (simple === null) fail(`invalid filter item at offset ${offset}`);
  const [, type = '', operator, value = ''] = simple;
  if (!attributeDescription.test(type)) fail(`invalid attribute "${type}" at offset ${offset}`);
  checkValue(value, offset, operator === '=');
}

function checkValue(value: string, offset: number, wildcardsAllowed: boolean): void {
  for (let index = 0; index < value.length; index += 1) {
    const char = value[index];
    if (char === '\0') fail(`unescaped NUL at offset ${offset}`);
    if (char === '*' && !wildcardsAllowed) fail(`"*" is not allowed here (offset ${offset})`);
    if (char === '\\') {
      if (!/^[0-9A-Fa-f]{2}$/.test(value.slice(index + 1, index + 3))) {
        fail(`"\\" must be followed by two hex digits (offset ${offset})`);
      }
      index += 2;
    }
  }
}

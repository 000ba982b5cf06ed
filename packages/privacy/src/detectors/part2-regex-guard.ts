// Makes a caller's regular expression safe to run on hostile text, or says why it cannot be.
// A syntactic, conservative check (in the spirit of `unsafePattern` in @secbot/audit's redactor):
// backreferences, lookbehinds, quantified groups that contain a quantifier or an alternation, and
// repeats above the bound are refused; `*`, `+` and `{n,}` are rewritten to `{0,max}`, `{1,max}`
// and `{n,max}`, so no match attempt runs far: one pass over 100 KB stays in milliseconds.

/** A rewritten pattern source, or the reason the pattern is refused. */
export type GuardResult = { readonly source: string } | { readonly problem: string };

interface Group {
  quantified: boolean;
  alternation: boolean;
}

/** Rewrite `source` with every repeat bounded by `maxRepeat`, or refuse it. */
export function guardPattern(source: string, maxRepeat: number): GuardResult {
  if (/\\[1-9]|\\k</.test(source)) return { problem: 'backreferences are not allowed (not linear-time)' };
  const stack: Group[] = [];
  let out = '';
  let inClass = false;
  let lastWasAtom = false;
  let groupJustClosed: Group | undefined;
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (char === '\\') {
      // `\u{...}`, `\p{...}` and `\P{...}` carry braces that are not a repeat.
      const braced = /^\\[uPp]\{[^}]{0,64}\}/.exec(source.slice(i, i + 70));
      const length = braced === null ? 2 : braced[0].length;
      out += source.slice(i, i + length);
      i += length - 1;
      if (!inClass) markAtom();
      continue;
    }
    if (inClass) {
      out += char;
      if (char === ']') {
        inClass = false;
        markAtom();
      }
      continue;
    }
    if (char === '[') {
      inClass = true;
      out += char;
      continue;
    }
    if (char === '(') {
      if (source.startsWith('(?<=', i) || source.startsWith('(?<!', i)) {
        return { problem: 'lookbehind is not allowed (it can scan back over the whole text)' };
      }
      stack.push({ quantified: false, alternation: false });
      out += char;
      lastWasAtom = false;
      groupJustClosed = undefined;
      continue;
    }
    if (char === ')') {
      const group = stack.pop();
      if (group === undefined) return { problem: 'unbalanced parenthesis' };
      out += char;
      lastWasAtom = true;
      groupJustClosed = group;
      continue;
    }
    if (char === '|') {
      const top = stack[stack.length - 1];
      if (top !== undefined) top.alternation = true;
      out += char;
      lastWasAtom = false;
      groupJustClosed = undefined;
      continue;
    }
    const quantifier = readQuantifier(source, i);
    if (quantifier !== undefined && lastWasAtom) {
      const { min, max, length } = quantifier;
      const repeats = max === undefined || max > 1;
      if (
        groupJustClosed !== undefined &&
        repeats &&
        (groupJustClosed.quantified || groupJustClosed.alternation)
      ) {
        return {
          problem: 'a repeated group contains a quantifier or an alternation (not linear-time)',
        };
      }
      if (min > maxRepeat || (max !== undefined && max > maxRepeat)) {
        return { problem: `a repeat is larger than maxRepeat (${maxRepeat})` };
      }
      out += max === undefined ? `{${min},${maxRepeat}}` : source.slice(i, i + length);
      i += length - 1;
      if (source[i + 1] === '?') {
        out += '?';
        i++;
      }
      const top = stack[stack.length - 1];
      if (top !== undefined) top.quantified = true;
      lastWasAtom = false;
      groupJustClosed = undefined;
      continue;
    }
    out += char;
    markAtom();
  }
  if (stack.length > 0 || inClass) return { problem: 'unbalanced parenthesis or bracket' };
  return { source: out };

  function markAtom(): void {
    lastWasAtom = true;
    groupJustClosed = undefined;
  }
}

interface Quantifier {
  readonly min: number;
  readonly max: number | undefined;
  readonly length: number;
}

// The quantifier at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`), or undefined.
function readQuantifier(source: string, i: number): Quantifier | undefined {
  const char = source[i];
  if (char === '*') return { min: 0, max: undefined, length: 1 };
  if (char === '+') return { min: 1, max: undefined, length: 1 };
  if (char === '?') return { min: 0, max: 1, length: 1 };
  if (char !== '{') return undefined;
  const braces = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(source.slice(i, i + 16));
  if (braces === null) return undefined;
  const min = Number(braces[1]);
  const max = braces[2] === undefined ? min : braces[3] === '' ? undefined : Number(braces[3]);
  return { min, max, length: braces[0].length };
}

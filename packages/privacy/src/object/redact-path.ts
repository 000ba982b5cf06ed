/** One step of a redaction path: a property name, or `*` for every property or element. */
export type PathSegment = { readonly kind: 'key'; readonly key: string } | { readonly kind: 'any' };

const bare = /^[^.[\]"'\s*]+$/;

/**
 * Parse a path in the syntax of pino's `redact`: `a.b`, `a[0]`, `a[*].b`, `a["x-y"]`, `a['x.y']`,
 * `*.password` (`*` is one level, any key or index). `__proto__` is refused: it is never followed.
 *
 * @param path - The path.
 * @returns Its segments, or a message saying what is wrong.
 */
export function parseRedactPath(path: string): PathSegment[] | string {
  const segments: PathSegment[] = [];
  let i = 0;
  const n = path.length;
  if (n === 0 || n > 1024) return 'a path must have 1-1024 characters';
  while (i < n) {
    const char = path[i];
    if (char === '[') {
      const close = path.indexOf(']', i);
      const quote = path[i + 1];
      if (quote === '"' || quote === "'") {
        const end = path.indexOf(quote, i + 2);
        if (end === -1 || path[end + 1] !== ']') return 'an unterminated quoted key';
        segments.push({ kind: 'key', key: path.slice(i + 2, end) });
        i = end + 2;
      } else {
        if (close === -1) return 'an unterminated [';
        const inner = path.slice(i + 1, close);
        if (inner === '*') segments.push({ kind: 'any' });
        else if (/^(0|[1-9][0-9]{0,9})$/.test(inner)) segments.push({ kind: 'key', key: inner });
        else return 'brackets hold *, an index or a quoted key';
        i = close + 1;
      }
    } else {
      if (segments.length > 0) {
        if (char !== '.') return 'segments are separated by . or [';
        i += 1;
      }
      let end = i;
      while (end < n && path[end] !== '.' && path[end] !== '[') end += 1;
      const word = path.slice(i, end);
      if (word === '*') segments.push({ kind: 'any' });
      else if (bare.test(word)) segments.push({ kind: 'key', key: word });
      else return 'an empty or malformed segment (quote it: a["x y"])';
      i = end;
    }
  }
  if (segments.some((segment) => segment.kind === 'key' && segment.key === '__proto__'))
    return '__proto__ is never followed';
  return segments;
}

// RFC 7519 lets a JWT parser either refuse duplicate member names or keep the last one, as
// JSON.parse does. Keeping the last one opens a parser differential: a gateway that keeps the first
// `sub` and this SDK that keeps the last would disagree about who the caller is. We refuse instead.
// The scan runs only on JSON that JSON.parse has already accepted (jose parses the header and the
// claims first), so it need not validate: it only tracks where object member names are.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * Whether some object in `json` (valid JSON) has the same member name twice, at any depth.
 * Names are compared after unescaping, as JSON.parse compares them (`"sub"` equals `"s\u0075b"`).
 * Linear in the length of the text.
 */
export function hasDuplicateMemberNames(json: string): boolean {
  // One entry per open container: the names seen so far for an object, null for an array.
  const stack: (Set<string> | null)[] = [];
  let expectName = false;
  const length = json.length;
  let i = 0;
  while (i < length) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      let escaped = false;
      while (end < length) {
        const d = json.charCodeAt(end);
        if (d === BACKSLASH) {
          escaped = true;
          end += 2;
        } else if (d === QUOTE) break;
        else end += 1;
      }
      if (expectName) {
        const names = stack[stack.length - 1];
        if (names) {
          const name = escaped ? (JSON.parse(json.slice(i, end + 1)) as string) : json.slice(i + 1, end);
          if (names.has(name)) return true;
          names.add(name);
        }
        expectName = false;
      }
      i = end + 1;
      continue;
    }
    if (c === OPEN_OBJECT) {
      stack.push(new Set());
      expectName = true;
    } else if (c === OPEN_ARRAY) {
      stack.push(null);
      expectName = false;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      expectName = false;
    } else if (c === COMMA) {
      expectName = stack[stack.length - 1] != null;
    }
    i += 1;
  }
  return false;
}

// The redactor's traversal: one pass that builds a JSON-shaped deep copy, replacing the values of
// secret keys, scrubbing every string, and bounding depth, node count, string length and total
// text so that cycles, hostile getters and huge inputs end in a marker instead of a crash or a hang.

/** What the traversal needs, compiled once by `createRedactor`. */
export interface WalkConfig {
  readonly isSecretKey: (key: string) => boolean;
  readonly scrub: (text: string) => string;
  readonly replacement: string;
  readonly maxDepth: number;
  readonly maxNodes: number;
  readonly maxStringLength: number;
  readonly maxTotalChars: number;
}

/** Markers written where the traversal stopped. */
export const redactMarkers = {
  circular: '[Circular]',
  depth: '[Truncated: depth]',
  unreadable: '[Unreadable]',
  budget: '[Truncated: size]',
} as const;

interface WalkState {
  nodes: number;
  chars: number;
  readonly ancestors: object[];
}

interface KeyVerdict {
  readonly name: string;
  readonly secret: boolean;
}

const keyCacheLimit = 10_000;

/**
 * Compile the traversal.
 *
 * @param config - Rules and bounds.
 * @returns A function returning the redacted copy of any value.
 */
export function compileWalker(config: WalkConfig): (value: unknown) => unknown {
  // Key decisions are cached: audit events reuse a few dozen key names, so after warm-up a key costs
  // one Map lookup. The name written is the scrubbed key; `secret` says to replace the value.
  const keyCache = new Map<string, KeyVerdict>();
  const { replacement, maxDepth, maxNodes, maxStringLength, maxTotalChars } = config;

  const keyVerdict = (key: string): KeyVerdict => {
    const cached = keyCache.get(key);
    if (cached !== undefined) return cached;
    const verdict: KeyVerdict = {
      name: config.scrub(key.length > maxStringLength ? key.slice(0, maxStringLength) : key),
      secret: config.isSecretKey(key),
    };
    if (keyCache.size < keyCacheLimit) keyCache.set(key, verdict);
    return verdict;
  };

  const text = (value: string, state: WalkState): string => {
    if (state.chars >= maxTotalChars) return redactMarkers.budget;
    if (value.length <= maxStringLength) {
      state.chars += value.length;
      return config.scrub(value);
    }
    state.chars += maxStringLength;
    const cut = value.length - maxStringLength;
    return `${config.scrub(value.slice(0, maxStringLength))}…[Truncated: ${cut} chars]`;
  };

  const walk = (value: unknown, depth: number, state: WalkState): unknown => {
    switch (typeof value) {
      case 'string':
        return text(value, state);
      case 'number':
      case 'boolean':
        return value;
      case 'bigint':
        return value.toString();
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
      default:
        break;
    }
    if (value === null) return null;
    const object = value as object;
    if (depth >= maxDepth) return redactMarkers.depth;
    if (state.ancestors.includes(object)) return redactMarkers.circular;
    state.ancestors.push(object);
    try {
      return walkObject(object, depth + 1, state);
    } catch {
      // A throwing getter, Proxy trap or toJSON: the value is unknown, so nothing of it is written.
      return redactMarkers.unreadable;
    } finally {
      state.ancestors.pop();
    }
  };

  const walkArray = (array: readonly unknown[], depth: number, state: WalkState): unknown[] => {
    const out: unknown[] = [];
    const length = array.length;
    for (let i = 0; i < length; i++) {
      if (++state.nodes > maxNodes) {
        out.push(`${redactMarkers.budget} ${length - i} more items`);
        break;
      }
      const item = walk(array[i], depth, state);
      out.push(item === undefined ? null : item);
    }
    return out;
  };

  const walkEntries = (
    source: object,
    keys: readonly string[],
    read: (key: string) => unknown,
    depth: number,
    state: WalkState,
  ): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (++state.nodes > maxNodes) {
        out[redactMarkers.budget] = `${keys.length - i} more keys`;
        break;
      }
      const verdict = keyVerdict(key);
      let item: unknown;
      if (verdict.secret) item = replacement;
      else {
        item = walk(read.call(source, key), depth, state);
        if (item === undefined) continue;
      }
      const name = verdict.name;
      if (name === '__proto__')
        Object.defineProperty(out, name, { value: item, enumerable: true, writable: true });
      else out[name] = item;
    }
    return out;
  };

  function readOwn(this: Record<string, unknown>, key: string): unknown {
    return this[key];
  }

  const walkObject = (object: object, depth: number, state: WalkState): unknown => {
    if (Array.isArray(object)) return walkArray(object, depth, state);
    const proto: unknown = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const special = walkSpecial(object, depth, state);
      if (special !== notSpecial) return special;
    } else if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
      return walkSpecial(object, depth, state);
    }
    return walkEntries(object, Object.keys(object), readOwn, depth, state);
  };

  const walkSpecial = (object: object, depth: number, state: WalkState): unknown => {
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return walk(toJSON.call(object, ''), depth, state);
    if (object instanceof Map) {
      const entries = new Map<string, unknown>();
      for (const [key, item] of object) {
        if (entries.size >= maxNodes) break;
        entries.set(String(key), item);
      }
      return walkEntries(entries, [...entries.keys()], (key) => entries.get(key), depth, state);
    }
    if (object instanceof Set) return walkArray([...boundedValues(object, maxNodes)], depth, state);
    if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer)
      return `[Binary: ${object.byteLength} bytes]`;
    if (object instanceof Error) {
      const error = object as Error & { code?: unknown };
      const fields: Record<string, unknown> = { name: error.name, message: error.message };
      if (error.code !== undefined) fields.code = error.code;
      return walkEntries(fields, Object.keys(fields), readOwn, depth, state);
    }
    return notSpecial;
  };

  return (value) => walk(value, 0, { nodes: 0, chars: 0, ancestors: [] });
}

const notSpecial = Symbol('notSpecial');

function* boundedValues<T>(set: ReadonlySet<T>, limit: number): Generator<T> {
  let n = 0;
  for (const value of set) {
    if (n++ >= limit) return;
    yield value;
  }
}

/** Reads one field of an event, compiled once from a dotted path. */
export type FieldReader = (event: object) => unknown;

/** Most array elements a path looks into. */
export const maxArrayElements = 64;

const { hasOwn } = Object;
const { get } = Reflect;

/**
 * An own property's value; inherited properties (and getters) are never read.
 *
 * `Reflect.get` rather than `value[key]`: events made with object spread (as the event bus makes
 * them) tend to have a hidden class each, so a property access misses V8's inline caches every
 * time (~300 ns), while `Reflect.get` looks the key up directly (~40 ns).
 */
export function own(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return hasOwn(value, key) ? get(value, key) : undefined;
}

function readFrom(value: unknown, segments: readonly string[], from: number): unknown {
  let current = value;
  for (let i = from; i < segments.length; i++) {
    if (Array.isArray(current)) {
      const values: unknown[] = [];
      const n = Math.min(current.length, maxArrayElements);
      for (let k = 0; k < n; k++) {
        const item = readFrom(current[k], segments, i);
        if (Array.isArray(item)) values.push(...item.slice(0, maxArrayElements - values.length));
        else if (item !== undefined) values.push(item);
        if (values.length >= maxArrayElements) break;
      }
      return values;
    }
    current = own(current, segments[i] as string);
    if (current === undefined) return undefined;
  }
  return current;
}

/**
 * Compile a dotted path (`actor.id`) into a reader. Only own properties are read, so `__proto__`,
 * `constructor` and inherited getters are never followed. When the path crosses an array, the
 * result is the array of the values found in its elements (at most {@link maxArrayElements}).
 *
 * @param path - A path already checked by the rule schema.
 * @returns The reader; it returns `undefined` when a segment is missing.
 */
export function compilePath(path: string): FieldReader {
  const segments = path.split('.');
  const [first = '', second] = segments;
  if (segments.length === 1) return (event) => own(event, first);
  if (segments.length === 2 && second !== undefined) {
    return (event) => {
      const parent = own(event, first);
      if (parent === undefined || parent === null) return undefined;
      return Array.isArray(parent) ? readFrom(parent, segments, 1) : own(parent, second);
    };
  }
  return (event) => readFrom(event, segments, 0);
}

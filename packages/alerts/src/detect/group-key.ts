/** Longest value kept from a field for a group key, a distinct value or a label. */
export const maxValueLength = 256;

/**
 * Characters escaped in group keys: the separators `\`, `,` and `=`, and what could hide or
 * reorder text on a screen (control characters, zero-width and bidirectional marks).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
const special = /[\\,=\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
const specialGlobal = /[\\,=\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function escapeOne(char: string): string {
  if (char === '\\' || char === ',' || char === '=') return `\\${char}`;
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Escape a value for the `field=value,field=value` format, so no value can forge another field
 * and each distinct value keeps a distinct key.
 *
 * @param value - The bounded value.
 * @returns The escaped text.
 */
export function escapeGroupValue(value: string): string {
  return special.test(value) ? value.replace(specialGlobal, escapeOne) : value;
}

/**
 * A field value as bounded text: strings cut to {@link maxValueLength}, finite numbers and
 * booleans as written, arrays as their scalar elements joined with `|`; other values (objects,
 * functions, `NaN`) as `[object]`.
 *
 * @param value - What was read from the event.
 * @returns The text, or `undefined` when the field is absent (`undefined` or `null`).
 */
export function boundValue(value: unknown): string | undefined {
  if (typeof value === 'string')
    return value.length <= maxValueLength ? value : value.slice(0, maxValueLength);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '[object]';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    let text = '';
    for (const item of value) {
      const part = typeof item === 'object' ? '[object]' : boundValue(item);
      if (part === undefined) continue;
      text = text === '' ? part : `${text}|${part}`;
      if (text.length >= maxValueLength) return text.slice(0, maxValueLength);
    }
    return text;
  }
  return '[object]';
}

/**
 * Build a group key from field names and their (already bounded) values; an absent value reads
 * as empty, so events without the field count together.
 *
 * @param names - The rule's `groupBy` paths.
 * @param values - One value per name.
 * @returns `name=value,name=value`, values escaped; empty when there are no names.
 */
export function formatGroupKey(names: readonly string[], values: readonly (string | undefined)[]): string {
  let key = '';
  for (let i = 0; i < names.length; i++) {
    const part = `${names[i]}=${escapeGroupValue(values[i] ?? '')}`;
    key = i === 0 ? part : `${key},${part}`;
  }
  return key;
}

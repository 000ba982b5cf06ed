/**
 * Canonical JSON: `JSON.stringify` with the keys of every object sorted by UTF-16 code units and
 * no whitespace. For the values the audit log writes (strings, finite numbers, booleans, null,
 * arrays and plain objects, already sanitised by `parseAuditEvent`) this is exactly RFC 8785
 * (JCS): ECMAScript number and string serialisation, lexicographic keys.
 *
 * Only call it on sanitised values: it does not guard against cycles or non-JSON values.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
    first = false;
  }
  return `${out}}`;
}

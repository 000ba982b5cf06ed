/**
 * The bounds `parseAuditEvent` enforces. Lengths are UTF-16 code units (JavaScript string
 * length); `maxDetailsBytes` is UTF-8 bytes of the canonical JSON of `details`.
 */
export const auditEventLimits = Object.freeze({
  /** Longest string kept whole, anywhere in the event; longer ones are cut and marked. */
  maxStringLength: 1024,
  /** Longest object key inside `details`; longer ones are cut and marked. */
  maxKeyLength: 256,
  /** Deepest nesting inside `details` (the `details` value itself is depth 1). */
  maxDepth: 8,
  /** Most array items or object keys kept per container inside `details`. */
  maxItems: 256,
  /** Most values visited inside `details` (bounds shared references that would expand). */
  maxNodes: 2048,
  /** Most roles kept in `actor.roles`. */
  maxRoles: 64,
  /** Largest serialised `details`; larger ones are replaced by a marker with a preview. */
  maxDetailsBytes: 16 * 1024,
});

// A grant's "shape" is its length in segments and which of its segments are `*`. A policy uses few
// shapes (usually `a:b`, `a:*`, `*:*`, `*`), so a check only looks up the patterns of the shapes the
// policy has: for `transcripts:read` under a policy with shapes {2:00, 2:01, 1:1} that is
// `transcripts:read`, `transcripts:*` and `*`, whatever the number of grants.

/** Shape key of a grant's segments: `${length}:${bitmask of * positions}`. */
export function shapeOf(segments: readonly string[]): number {
  let mask = 0;
  for (let i = 0; i < segments.length; i++) if (segments[i] === '*') mask |= 1 << i;
  return segments.length * 64 + mask;
}

/** Every grant pattern, among the given shapes, that covers a permission with these segments. */
export function candidatePatterns(segments: readonly string[], shapes: readonly number[]): string[] {
  const out: string[] = [];
  for (const shape of shapes) {
    const length = Math.floor(shape / 64);
    if (length > segments.length) continue;
    const mask = shape % 64;
    let pattern = '';
    for (let i = 0; i < length; i++) {
      if (i > 0) pattern += ':';
      pattern += mask & (1 << i) ? '*' : (segments[i] as string);
    }
    out.push(pattern);
  }
  return out;
}

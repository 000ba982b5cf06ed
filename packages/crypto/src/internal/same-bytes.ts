/**
 * Whether two byte arrays hold the same bytes (both `undefined` counts as the same). Not
 * constant-time: for stored values and ciphertexts, never to compare secrets.
 */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

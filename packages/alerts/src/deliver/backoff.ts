/**
 * Exponential backoff with full jitter: a uniform random delay between 0 and
 * `min(maxDelayMs, baseDelayMs * 2^(failures - 1))`, so retries of many instances spread out.
 *
 * @param failures - Consecutive failures so far, 1 or more.
 * @param baseDelayMs - The ceiling after the first failure.
 * @param maxDelayMs - The largest ceiling.
 * @param random - A source of numbers in [0, 1).
 * @returns The delay in whole milliseconds.
 */
export function backoffDelay(
  failures: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 40);
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
  const draw = random();
  const fraction = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 1;
  return Math.round(ceiling * fraction);
}

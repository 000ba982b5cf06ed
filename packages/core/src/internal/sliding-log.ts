// The increments of one sliding-window counter, as (time, amount) buckets, oldest first.
//
// Time is kept in buckets of g = ceil(windowMs / cap) milliseconds, each increment's time rounded
// up to its bucket's end, so a window never holds more than cap + 1 buckets. Rounding up means an
// increment may stay counted up to g - 1 ms longer than the window: the counter can over-count
// slightly (fails closed for lockouts and alerts) and never under-counts. With windowMs <= cap the
// resolution is 1 ms and counts are exact.
//
// Bucket times never go backwards: when the clock jumps back, an increment is recorded at the latest
// time already seen, so it is counted at least as long as it should be.
export class SlidingLog {
  private readonly times: number[] = [];
  private readonly amounts: number[] = [];
  private head = 0;
  private total = 0;

  constructor(private readonly cap: number) {}

  /** Drop what left the window `(now - windowMs, now]`, add `by` at `now`, return the new total. */
  add(now: number, windowMs: number, by: number): number {
    this.prune(now - windowMs);
    const grain = Math.max(1, Math.ceil(windowMs / this.cap));
    const last = this.times.length - 1;
    const newest = last >= this.head ? (this.times[last] ?? now) : Number.NEGATIVE_INFINITY;
    const at = Math.max(Math.ceil(now / grain) * grain, newest);
    if (at === newest) {
      this.amounts[last] = (this.amounts[last] ?? 0) + by;
    } else {
      this.times.push(at);
      this.amounts.push(by);
    }
    this.total += by;
    this.compact();
    return this.total;
  }

  /** Time of the oldest live bucket. */
  oldest(): number {
    return this.times[this.head] ?? Number.NaN;
  }

  /** Time of the newest bucket. */
  newest(): number {
    return this.times[this.times.length - 1] ?? Number.NaN;
  }

  private prune(cutoff: number): void {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= cutoff) {
      this.total -= this.amounts[this.head] ?? 0;
      this.head += 1;
    }
  }

  private compact(): void {
    if (this.head > 32 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.amounts.splice(0, this.head);
      this.head = 0;
    }
  }
}

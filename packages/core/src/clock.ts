/** A source of the current time in epoch milliseconds; inject one to freeze time in tests. */
export type Clock = () => number;

/** The real clock, `Date.now`. */
export const systemClock: Clock = () => Date.now();

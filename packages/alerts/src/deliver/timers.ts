/**
 * Where the alerts service schedules its delays (group wait and intervals, backoff, rate limits,
 * attempt timeouts). Inject one with a manual clock so tests run in milliseconds.
 */
export interface Timers {
  /**
   * Run `callback` once after `ms` milliseconds.
   *
   * @returns A handle for {@link Timers.clear}.
   */
  set(callback: () => void, ms: number): unknown;
  /** Cancel a timer that has not run yet; a handle that already ran or was cleared is ignored. */
  clear(handle: unknown): void;
}

/** The real timers: `setTimeout`, unref'd so a pending alert timer never keeps the process alive. */
export const systemTimers: Timers = {
  set(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clear(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

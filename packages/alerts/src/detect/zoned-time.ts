const weekdays: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const quarterHourMs = 15 * 60 * 1000;
const maxCached = 4096;

/**
 * Whether `zone` is an IANA time zone this runtime knows (`Europe/Berlin`, `UTC`).
 *
 * @param zone - The name to check.
 * @returns `true` when `Intl.DateTimeFormat` accepts it.
 */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Local weekday (0 = Sunday) and hour (0-23) of an instant in a time zone. */
export interface LocalTime {
  /** 0 = Sunday to 6 = Saturday. */
  readonly weekday: number;
  /** 0 to 23. */
  readonly hour: number;
}

/**
 * Local time in named zones, with one `Intl.DateTimeFormat` per zone and a bounded cache per UTC
 * quarter hour (every zone offset in use is a multiple of 15 minutes, so the local hour and
 * weekday cannot change inside one).
 */
export class ZonedTime {
  private readonly formatters = new Map<string, Intl.DateTimeFormat>();
  private readonly cache = new Map<string, number>();

  /**
   * @param zone - A zone already checked with {@link isTimeZone}.
   * @param ts - Epoch milliseconds.
   * @returns Its local weekday and hour.
   */
  at(zone: string, ts: number): LocalTime {
    const key = `${zone}|${Math.floor(ts / quarterHourMs)}`;
    let packed = this.cache.get(key);
    if (packed === undefined) {
      packed = this.compute(zone, ts);
      if (this.cache.size >= maxCached) this.cache.clear();
      this.cache.set(key, packed);
    }
    return { weekday: Math.floor(packed / 24), hour: packed % 24 };
  }

  private compute(zone: string, ts: number): number {
    let formatter = this.formatters.get(zone);
    if (formatter === undefined) {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        weekday: 'short',
        hour: 'numeric',
        hourCycle: 'h23',
      });
      this.formatters.set(zone, formatter);
    }
    let weekday = 0;
    let hour = 0;
    for (const part of formatter.formatToParts(ts)) {
      if (part.type === 'weekday') weekday = weekdays[part.value] ?? 0;
      else if (part.type === 'hour') hour = Number(part.value) % 24;
    }
    return weekday * 24 + hour;
  }
}

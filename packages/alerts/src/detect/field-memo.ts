import { compilePath, type FieldReader } from './field-path.js';

/**
 * Field values of the event being observed, each read at most once however many rules look at it.
 * Property reads dominate detection: events made with object spread (as the event bus makes them)
 * tend to have a hidden class each, so every read is a slow, uncached lookup.
 *
 * A reader it hands out answers from the memo for the current event and reads directly for any
 * other event (a summary built later, a store evaluation), so it is always correct.
 */
export class FieldMemo {
  private readonly slots = new Map<string, number>();
  private readonly compute: ((event: object) => unknown)[] = [];
  private readonly values: unknown[] = [];
  private readonly stamps: number[] = [];
  private epoch = 1;
  private current: object | undefined;

  /** Start on a new event: every value is read again. */
  begin(event: object): void {
    this.current = event;
    this.epoch += 1;
  }

  /**
   * A memoised reader of `path`.
   *
   * @param path - A dotted path already checked by the rule schema.
   * @returns The reader.
   */
  reader(path: string): FieldReader {
    return this.derived(path, compilePath(path));
  }

  /**
   * A memoised reader of a value computed from the event (e.g. an address grouped by network),
   * shared by every caller that passes the same `name`.
   *
   * @param name - Identifies the computation (the same name must always mean the same function).
   * @param compute - Computes the value from an event.
   * @returns The reader.
   */
  derived(name: string, compute: (event: object) => unknown): FieldReader {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = this.compute.length;
      this.slots.set(name, slot);
      this.compute.push(compute);
      this.values.push(undefined);
      this.stamps.push(0);
    }
    const index = slot;
    const own = this.compute[index] as (event: object) => unknown;
    return (event) => {
      if (event !== this.current) return own(event);
      if (this.stamps[index] === this.epoch) return this.values[index];
      const value = own(event);
      this.values[index] = value;
      this.stamps[index] = this.epoch;
      return value;
    };
  }
}

/** What a {@link BoundedMap} entry carries: the insertion number it was last moved to the back at. */
export interface Touched {
  /** Managed by the map. */
  touched: number;
}

/**
 * A map with at most `max` keys that evicts the least recently used one (approximately: an entry
 * is moved to the back when it is read after more than `max / 2` other insertions, so reads stay
 * cheap). A flood of new keys evicts idle groups, never one that is being counted.
 */
export class BoundedMap<V extends Touched> {
  private readonly map = new Map<string, V>();
  private sequence = 0;
  private readonly refreshAfter: number;
  /** Live entries evicted because the map was full. */
  evictions = 0;

  /** @param max - Most keys held. */
  constructor(private readonly max: number) {
    this.refreshAfter = Math.max(1, Math.floor(max / 2));
  }

  /** Number of keys held. */
  get size(): number {
    return this.map.size;
  }

  /** The entry for `key`, marked as used. */
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined && this.sequence - value.touched > this.refreshAfter) {
      this.map.delete(key);
      value.touched = ++this.sequence;
      this.map.set(key, value);
    }
    return value;
  }

  /** The entry for `key` without marking it. */
  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  /** Add or replace an entry, evicting the least recently used one when full. */
  set(key: string, value: V): void {
    if (!this.map.delete(key) && this.map.size >= this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) {
        this.map.delete(oldest.value);
        this.evictions += 1;
      }
    }
    value.touched = ++this.sequence;
    this.map.set(key, value);
  }

  /** Remove an entry. */
  delete(key: string): void {
    this.map.delete(key);
  }

  /** Entries, least recently used first. */
  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  /** Remove everything. */
  clear(): void {
    this.map.clear();
  }
}

/**
 * A bounded map whose entries expire: the oldest written goes first when full. Holds what the vault
 * recently sealed or opened, so a warm conversation costs no envelope call.
 */
export class ValueCache {
  readonly #entries = new Map<string, { readonly value: string; readonly expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  /**
   * @param maxEntries - Most entries held (0 holds none).
   * @param now - Clock, epoch ms.
   */
  constructor(maxEntries: number, now: () => number) {
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  /** The live value under `key`, if any. */
  get(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.#now()) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  /** Forget everything (keys were destroyed: nothing cached may outlive them). */
  clear(): void {
    this.#entries.clear();
  }

  /** Hold `value` under `key` until `expiresAt`. */
  set(key: string, value: string, expiresAt: number): void {
    if (this.#maxEntries === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }
}

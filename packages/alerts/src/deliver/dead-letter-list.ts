import type { DeadLetter } from './dead-letter.js';

/** The dead letters, oldest first, bounded: adding to a full list drops (and hands back) the oldest. */
export class DeadLetterList {
  readonly #letters = new Map<string, DeadLetter>();
  readonly #max: number;
  readonly #onDrop: (letter: DeadLetter) => void;

  /**
   * @param max - Most letters kept.
   * @param onDrop - Called with each letter dropped to make room.
   */
  constructor(max: number, onDrop: (letter: DeadLetter) => void) {
    this.#max = max;
    this.#onDrop = onDrop;
  }

  /** Add a letter, dropping the oldest ones while the list is full. */
  add(letter: DeadLetter): void {
    for (const oldest of this.#letters.values()) {
      if (this.#letters.size < this.#max) break;
      this.#letters.delete(oldest.id);
      this.#onDrop(oldest);
    }
    this.#letters.set(letter.id, letter);
  }

  /** Remove a letter and return it. */
  take(id: string): DeadLetter | undefined {
    const letter = this.#letters.get(id);
    this.#letters.delete(id);
    return letter;
  }

  /** Look a letter up. */
  get(id: string): DeadLetter | undefined {
    return this.#letters.get(id);
  }

  /** The letters, oldest first. */
  list(): DeadLetter[] {
    return [...this.#letters.values()];
  }
}

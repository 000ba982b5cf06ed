/**
 * Runs tasks one at a time per key, in call order; tasks on different keys run concurrently.
 * A failed task does not block the ones queued after it. Entries are removed once a key's queue
 * drains, so the map holds only keys with work in flight.
 */
export interface KeyLock {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export function createKeyLock(): KeyLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run(key, task) {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}

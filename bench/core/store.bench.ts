import { createMemoryStore } from '@secbot/core';
import { compare } from '../harness.js';

// Memory Store increments against the plainest thing a user could write: a Map of counters.
// Keys rotate over 1,000 names, as lockout counters for many users would.
const keys = Array.from({ length: 1000 }, (_, i) => `login-failures:user${i}`);

export default async function storeBench(): Promise<void> {
  const store = createMemoryStore();
  const sliding = createMemoryStore();
  const map = new Map<string, number>();
  let i = 0;
  let j = 0;
  let k = 0;
  let l = 0;

  await compare(
    'Store.increment, fixed window (memory store)',
    {
      name: '@secbot/core memory store (await)',
      run: () => store.increment(keys[i++ % 1000]!, { windowMs: 60_000 }),
    },
    [
      {
        name: 'plain Map counter (sync, no window, no TTL)',
        run: () => {
          const key = keys[j++ % 1000]!;
          map.set(key, (map.get(key) ?? 0) + 1);
        },
      },
      {
        name: 'plain Map counter in an async function',
        run: async () => {
          const key = keys[k++ % 1000]!;
          map.set(key, (map.get(key) ?? 0) + 1);
        },
      },
    ],
  );

  await compare(
    'Store.increment, sliding window (memory store)',
    {
      name: '@secbot/core memory store (await)',
      run: () => sliding.increment(keys[l++ % 1000]!, { windowMs: 300_000, mode: 'sliding' }),
    },
    [
      {
        name: 'plain Map counter (sync, no window, no TTL)',
        run: () => {
          const key = keys[j++ % 1000]!;
          map.set(key, (map.get(key) ?? 0) + 1);
        },
      },
    ],
  );
}

// The lockout check that runs before every sign-in, against the plainest thing a user could write:
// a Map of failure counts compared with a limit. Budget: <= 10 us per check with the memory Store.
//
// Run: pnpm bench identity
import { createMemoryStore } from '@secbot/core';
// createLockout is not in @secbot/identity's index yet; import the source directly until it is.
import { createLockout } from '@secbot/identity';
import { compare } from '../harness.js';

// 1,000 usernames and client addresses (half IPv4, half IPv6, grouped by /64), one in ten locked.
const users = Array.from({ length: 1000 }, (_, i) => `user${i}@example.com`);
const ips = Array.from({ length: 1000 }, (_, i) =>
  i % 2 === 0
    ? `198.51.${(i >> 8) & 255}.${i & 255}`
    : `2001:db8:${i.toString(16)}:1::${(i * 7).toString(16)}`,
);

export default async function lockoutBench(): Promise<void> {
  const store = createMemoryStore();
  const lockout = createLockout({ store, maxFailures: 5 });
  const counts = new Map<string, number>();
  for (let i = 0; i < 1000; i += 10) {
    for (let f = 0; f < 5; f++) await (await lockout.begin({ key: users[i]! })).fail();
    counts.set(users[i]!, 5);
  }
  let i = 0;
  let j = 0;
  let k = 0;
  const check = async (): Promise<void> => {
    const n = i++ % 1000;
    try {
      await lockout.check({ key: users[n]!, ip: ips[n]! });
    } catch {
      // locked: the refusal is part of what is measured
    }
  };
  const mapCheck = (): boolean => {
    const n = j++ % 1000;
    return (counts.get(users[n]!) ?? 0) >= 5 || (counts.get(ips[n]!) ?? 0) >= 20;
  };

  const [ours] = await compare(
    'Lockout check before sign-in (username + client address; 10% locked)',
    { name: '@secbot/identity createLockout().check (memory)', run: check },
    [
      { name: 'plain Map counter check (sync, no window)', run: mapCheck },
      {
        name: 'plain Map counter check in an async function',
        run: async () => {
          const n = k++ % 1000;
          return (counts.get(users[n]!) ?? 0) >= 5 || (counts.get(ips[n]!) ?? 0) >= 20;
        },
      },
    ],
  );
  if (ours !== undefined) {
    const micros = 1e6 / ours.opsPerSec;
    console.log(
      `  => ${micros.toFixed(2)} us per check (budget 10 us): ${micros <= 10 ? 'within' : 'OVER'} budget`,
    );
  }

  // The whole bookkeeping of one failed attempt: check, atomic reservation, failure count per address.
  const fresh = createLockout({
    store: createMemoryStore(),
    maxFailures: 1_000,
    perIp: { maxFailures: 100_000 },
  });
  let m = 0;
  let p = 0;
  const [attempt] = await compare(
    'Lockout bookkeeping of one failed attempt (begin + fail)',
    {
      name: '@secbot/identity begin().fail() (memory)',
      run: async () => {
        const n = m++ % 1000;
        await (await fresh.begin({ key: users[n]!, ip: ips[n]! })).fail();
      },
    },
    [
      {
        name: 'plain Map: two increments (sync, no window)',
        run: () => {
          const n = p++ % 1000;
          counts.set(users[n]!, (counts.get(users[n]!) ?? 0) + 1);
          counts.set(ips[n]!, (counts.get(ips[n]!) ?? 0) + 1);
        },
      },
    ],
  );
  if (attempt !== undefined)
    console.log(`  => ${(1e6 / attempt.opsPerSec).toFixed(2)} us per failed attempt`);
}

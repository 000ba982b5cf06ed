// The @secbot/alerts detection engine, with all built-in rules, against a naive detector (an array of
// timestamps per key, filtered on every event) running the threshold rules only, in one run.
//
// Events are a fixed, deterministic pool with a realistic mix: mostly auth.success, access.granted
// and message.received, with a share of failures and denials, 20,000 users and 50,000 addresses
// (one in five IPv6). Each run observes the next event of the pool with a time 0.1 ms after the last.
//
// Events are built as `createEventBus().emit` builds them (`Object.assign({}, payload, { type, ts })`,
// one hidden class per event shape; an earlier bus used object spread, which gave nearly every event
// its own class and made every property read ~30x slower). A third contestant runs the loop alone
// (next event, new time, no detection): what any detector pays here.
//
// Run: pnpm bench alerts
import { type Alert, builtinRules, createDetector, type DetectionEvent } from '@secbot/alerts';
import { type Contestant, compareInterleaved } from '../harness.js';

const poolSize = 1 << 16;

/** A small deterministic generator (mulberry32), so every run sees the same events. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function eventPool(): { type: string; ts: number; [field: string]: unknown }[] {
  const next = random(42);
  const pick = (n: number) => Math.floor(next() * n);
  const address = (i: number) =>
    i % 5 === 0
      ? `2001:db8:${(i >> 8).toString(16)}:${(i & 255).toString(16)}::${i % 7}`
      : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const events: { type: string; ts: number; [field: string]: unknown }[] = [];
  for (let i = 0; i < poolSize; i++) {
    const user = `user-${pick(20_000)}`;
    const ip = address(pick(50_000));
    const roll = next();
    const base = { ts: 0, ip, tenantId: `tenant-${pick(20)}`, requestId: `r${i}` };
    if (roll < 0.35)
      events.push({ ...base, type: 'auth.success', actor: { id: user }, provider: 'jwt', method: 'jwt' });
    else if (roll < 0.65)
      events.push({
        ...base,
        type: 'access.granted',
        actor: { id: user },
        permission: next() < 0.02 ? 'transcripts:export' : 'transcripts:read',
        role: next() < 0.03 ? 'admin' : 'agent',
      });
    else if (roll < 0.9) events.push({ ...base, type: 'message.received', actor: { id: user }, length: 120 });
    else if (roll < 0.95)
      events.push({
        ...base,
        type: 'auth.failure',
        username: user,
        provider: 'ldap',
        method: 'password',
        code: 'AUTH_INVALID_CREDENTIALS',
      });
    else if (roll < 0.98)
      events.push({
        ...base,
        type: 'access.denied',
        actor: { id: user },
        permission: 'policy:write',
        reason: 'no-grant',
      });
    else
      events.push({
        ...base,
        type: 'message.redacted',
        direction: 'inbound',
        findings: [{ type: next() < 0.2 ? 'PROMPT_INJECTION' : 'EMAIL', count: 1 }],
      });
  }
  return events;
}

/** Threshold rules as a naive implementation writes them: every event visits every rule. */
const naiveRules = [
  {
    type: 'auth.failure',
    key: (e: Record<string, unknown>) => `u:${String(e.username)}`,
    windowMs: 300_000,
    count: 5,
  },
  {
    type: 'auth.failure',
    key: (e: Record<string, unknown>) => `i:${String(e.ip)}`,
    windowMs: 600_000,
    count: 20,
  },
  {
    type: 'access.denied',
    key: (e: Record<string, unknown>) => `a:${String((e.actor as { id: string }).id)}`,
    windowMs: 300_000,
    count: 10,
  },
  {
    type: 'access.granted',
    key: (e: Record<string, unknown>) =>
      e.permission === 'transcripts:export' ? `x:${String((e.actor as { id: string }).id)}` : undefined,
    windowMs: 600_000,
    count: 20,
  },
  {
    type: 'crypto.decrypt_failed',
    key: (e: Record<string, unknown>) => `c:${String(e.tenantId)}`,
    windowMs: 600_000,
    count: 3,
  },
  {
    type: 'message.redacted',
    key: (e: Record<string, unknown>) => `p:${String(e.ip)}`,
    windowMs: 600_000,
    count: 3,
  },
];

function naiveDetector(onAlert: () => void): (event: Record<string, unknown>) => void {
  const windows = new Map<string, number[]>();
  return (event) => {
    const ts = event.ts as number;
    for (const rule of naiveRules) {
      if (event.type !== rule.type) continue;
      const key = rule.key(event);
      if (key === undefined) continue;
      const times = (windows.get(key) ?? []).filter((t) => t > ts - rule.windowMs);
      times.push(ts);
      windows.set(key, times);
      if (times.length === rule.count) onAlert();
    }
  };
}

/** The time of the latest event of one contestant's stream (each has its own: time is not shared). */
interface StreamClock {
  ts: number;
}

const streamStart = Date.UTC(2026, 0, 5, 10); // a Monday, 10:00 UTC

function cycling(name: string, clock: StreamClock, observe: (event: DetectionEvent) => void): Contestant {
  // as the bus builds them: the payload's properties, then type and ts, assigned onto a fresh object
  const events = eventPool().map(({ type, ts, ...payload }) => Object.assign({}, payload, { type, ts }));
  let i = 0;
  return {
    name,
    run: () => {
      const event = events[i] as { ts: number; type: string };
      i = (i + 1) & (poolSize - 1);
      clock.ts += 0.1;
      event.ts = clock.ts;
      observe(event);
    },
  };
}

async function run(): Promise<void> {
  const alerts = { ours: 0, naive: 0 };
  const rules = builtinRules();
  const clock: StreamClock = { ts: streamStart };
  const detector = createDetector({
    rules,
    onAlert: (_: Alert) => {
      alerts.ours += 1;
    },
    now: () => clock.ts,
  });
  const naive = naiveDetector(() => {
    alerts.naive += 1;
  });
  const results = await compareInterleaved(
    `detection, ${rules.length} built-in rules vs a naive detector of 6 threshold rules (events/s)`,
    cycling(`@secbot/alerts createDetector (${rules.length} rules)`, clock, (event) =>
      detector.observe(event),
    ),
    [
      cycling('naive: array of timestamps per key (6 rules)', { ts: streamStart }, (event) => naive(event)),
      cycling('the loop alone (no detection)', { ts: streamStart }, () => undefined),
    ],
  );
  const ours = results[0]?.opsPerSec ?? 0;
  const groups = detector.rules().reduce((n, rule) => n + rule.groups, 0);
  console.log(
    `  alerts raised while measuring: ours ${alerts.ours}, naive ${alerts.naive}; groups held: ${groups}; stream time ${((clock.ts - streamStart) / 60_000).toFixed(1)} min; target >= 1,000,000 events/s: ${ours >= 1e6 ? 'met' : 'NOT met'}`,
  );
}

export default async function main(): Promise<void> {
  await run();
}

// @secbot/rbac against what a user would otherwise pick: CASL, casbin and accesscontrol, in one run.
//
// Policies, subjects and queries are generated deterministically (policies.ts); every peer is set up
// from the same library-neutral roles, in its best setup (peers.ts explains each one). Before anything
// is timed, our answers are cross-checked against a plain reference evaluator, and every peer must give
// our answer on every query of the pool: a benchmark of libraries that disagree would be meaningless.
//
// Run: pnpm bench rbac
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createRbac, type PolicyDocument, type Rbac } from '@secbot/rbac';
import { type Contestant, compare } from '../harness.js';
import {
  accessControlGrants,
  accessControlPeer,
  casbinCachedEnforcer,
  casbinEnforcer,
  casbinLines,
  casbinPeer,
  caslPerRole,
  caslPerRoleSet,
  type Peer,
} from './peers.js';
import {
  type BenchSubject,
  exhaustivePool,
  largeScenario,
  type Query,
  queryPool,
  referenceDecider,
  type Scenario,
  smallScenario,
} from './policies.js';

/** Allowed and denied queries of a pool, each side timed on its own. */
interface Pool {
  readonly allowed: readonly Query[];
  readonly denied: readonly Query[];
}

/**
 * Large pool: this many allowed and this many denied queries. casbin's 12-20 ms per check bounds it:
 * verifying it on every query, then timing it (9 batches of at least 64 calls per side), is about
 * half of this benchmark's run time.
 */
const largePerSide = 384;

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

/** A contestant that answers the queries in turn, round and round. */
function cycling(name: string, queries: readonly Query[], answer: (query: Query) => unknown): Contestant {
  const n = queries.length;
  let i = 0;
  return {
    name,
    run: () => {
      const query = queries[i] as Query;
      i = i + 1 === n ? 0 : i + 1;
      return answer(query);
    },
  };
}

function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i] as T);
    if (i < b.length) out.push(b[i] as T);
  }
  return out;
}

/** Throw unless `decide` gives the expected answer on every query. */
function verify(
  label: string,
  queries: readonly Query[],
  expected: readonly boolean[],
  decide: (query: Query) => boolean,
): void {
  const wrong: string[] = [];
  queries.forEach((query, i) => {
    const answer = decide(query);
    if (answer !== expected[i]) {
      wrong.push(
        `[${query.subject.roles.join(', ')}] ${query.permission}: ${answer}, expected ${expected[i]}`,
      );
    }
  });
  if (wrong.length > 0) {
    throw new Error(
      `${label} disagrees on ${wrong.length}/${queries.length} queries, e.g. ${wrong.slice(0, 5).join('; ')}`,
    );
  }
}

/** Our answers are the expected ones; check them against the reference, then every peer against them. */
function verifyAll(
  scenario: Scenario,
  rbac: Rbac,
  pool: Pool,
  peers: readonly Peer[],
  explained: boolean,
): boolean[] {
  const all = [...pool.allowed, ...pool.denied];
  const expected = all.map((q) => rbac.can(q.subject, q.permission));
  const reference = referenceDecider(scenario);
  verify('@secbot/rbac can() vs the reference evaluator', all, expected, (q) =>
    reference(q.subject, q.permission),
  );
  verify('@secbot/rbac check()', all, expected, (q) => rbac.check(q.subject, q.permission).allowed);
  for (const peer of peers) {
    verify(peer.name, all, expected, peer.decide);
    if (explained) verify(`${peer.name}, explained`, all, expected, (q) => peer.explain(q).allowed);
  }
  return expected;
}

/** "152 granted, 10 denied-by-rule, ..." by our reasons. */
function reasons(rbac: Rbac, queries: readonly Query[]): string {
  const counts = new Map<string, number>();
  for (const q of queries) {
    const reason = rbac.check(q.subject, q.permission).reason;
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].map(([reason, n]) => `${n} ${reason}`).join(', ');
}

function describe(scenario: Scenario, pool: Pool, rbac: Rbac, casbinLineCount: number): void {
  const grants = scenario.roles.reduce((n, r) => n + r.allow.length + r.deny.length, 0);
  const denies = scenario.roles.reduce((n, r) => n + r.deny.length, 0);
  const held = scenario.subjects.reduce((n, s) => n + s.roles.length, 0);
  console.log(
    `\n${scenario.name} policy: ${scenario.roles.length} roles, ${grants} grants (${denies} denies) over ` +
      `${scenario.resources.length} resources x ${scenario.actions.length} actions (${casbinLineCount} casbin ` +
      `lines once wildcards are expanded); ${scenario.subjects.length} subjects, ` +
      `${(held / scenario.subjects.length).toFixed(2)} roles each on average`,
  );
  console.log(
    `  query pool: ${pool.allowed.length} allowed (${reasons(rbac, pool.allowed)}), ${pool.denied.length} denied ` +
      `(${reasons(rbac, pool.denied)}); ours = reference; every peer verified on every query`,
  );
}

// Retained heap. `global.gc` exists only under --expose-gc, which `pnpm bench` (tsx) does not pass;
// but V8 lets a running process turn the flag on, after which a new vm context exposes `gc`. With a
// full GC before and after a build, heapUsed(after) - heapUsed(before), while the built object is
// still referenced, is what that object retains. Should that ever fail we fall back to heapUsed deltas
// after letting the event loop turn a few times; those count garbage too, and are marked "~".
function findGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    // fall back below
  }
  return undefined;
}

const gc = findGc();

async function heapUsed(): Promise<number> {
  if (gc !== undefined) {
    gc();
    gc();
  } else {
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Keeps the instance being measured reachable. */
const retained: unknown[] = [];

// Each step in its own function: a value a finished frame held cannot linger in a register of ours.
async function retainedBy(build: () => unknown): Promise<number> {
  const before = await heapUsed();
  retained.push(await build());
  const after = await heapUsed();
  retained.length = 0;
  return (after - before) / 2 ** 20;
}

async function buildTimes(build: () => unknown, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await build();
    times.push(performance.now() - started);
  }
  return times;
}

/**
 * Print the heap one built instance retains (built by `heapBuild`, when what `build` keeps would
 * otherwise be shared with its prepared input), and the median time of `runs` builds.
 */
async function load(name: string, build: () => unknown, heapBuild = build, runs = 3): Promise<void> {
  const mb = await retainedBy(heapBuild);
  const ms = median(await buildTimes(build, runs));
  const heap = `${gc === undefined ? '~' : ''}${mb.toFixed(1)} MB`;
  console.log(`  ${name.padEnd(46)} ${`${ms.toFixed(1)} ms`.padStart(10)}   heap ${heap.padStart(8)}`);
}

/** Median time of `fn` over `runs` calls, with its last result. */
function timed<T>(fn: () => T, runs: number): { ms: number; result: T } {
  const times: number[] = [];
  let result = fn();
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = fn();
    times.push(performance.now() - started);
  }
  return { ms: median(times), result };
}

/** The roles that inherit `name`, directly or not, plus `name`: what an edit of `name` invalidates. */
function dependents(scenario: Scenario, name: string): number {
  const children = new Map<string, string[]>();
  for (const role of scenario.roles) {
    for (const parent of role.parents) children.set(parent, [...(children.get(parent) ?? []), role.name]);
  }
  const seen = new Set([name]);
  const stack = [name];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop() as string) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        stack.push(child);
      }
    }
  }
  return seen.size;
}

/** The policy with one more allow on `role`. */
function withExtraGrant(policy: PolicyDocument, role: string, grant: string): PolicyDocument {
  const definition = policy.roles[role];
  return {
    version: 1,
    roles: { ...policy.roles, [role]: { ...definition, allow: [...(definition?.allow ?? []), grant] } },
  };
}

async function peersFor(scenario: Scenario): Promise<Peer[]> {
  return [
    caslPerRoleSet(scenario),
    caslPerRole(scenario),
    casbinPeer(await casbinEnforcer(casbinLines(scenario))),
    accessControlPeer(accessControlGrants(scenario)),
  ];
}

async function compareSides(
  title: string,
  rbac: Rbac,
  pool: Pool,
  peers: readonly Peer[],
  extra: (queries: readonly Query[]) => Contestant[] = () => [],
): Promise<void> {
  for (const side of ['allowed', 'denied'] as const) {
    const queries = pool[side];
    await compare(
      `${title}, ${side} queries: checks/s`,
      cycling('@secbot/rbac can()', queries, (q) => rbac.can(q.subject, q.permission)),
      [...peers.map((peer) => cycling(peer.name, queries, peer.decide)), ...extra(queries)],
    );
  }
}

// ---------------------------------------------------------------------------------------------
// the benchmark
// ---------------------------------------------------------------------------------------------

export default async function rbacBench(): Promise<void> {
  console.log(
    [
      'Peers (set up in bench/rbac/peers.ts; each must give our answer on every query before it is timed):',
      "  CASL 7: no roles, so a role (or role set) is flattened to its own + ancestors' rules, denies as",
      '    inverted rules placed last so that they win. "per role set": one Ability per distinct role set,',
      '    prebuilt, found through a WeakMap on the subject; "per role": one Ability per role, combined per check',
      '  casbin 5: RBAC model (g = _, _), effect some(allow) && !some(deny), users with one g line per role,',
      '    wildcards expanded to concrete lines, newEnforcer(model) + addPolicies, enforceSync',
      '  accesscontrol 3: has denies (deny wins within a role chain) but can([a, b]) unions the roles, so a',
      '    deny in a would not override an allow in b: each distinct role set is one extra role $extending its roles',
    ].join('\n'),
  );

  // --- 1. small policy: allowed and denied checks --------------------------------------------------
  const small = smallScenario();
  const smallRbac = createRbac(small.policy);
  const smallPool = exhaustivePool(small, (s, p) => smallRbac.can(s, p));
  const smallPeers = await peersFor(small);
  const smallExpected = verifyAll(small, smallRbac, smallPool, smallPeers, true);
  // casbin's CachedEnforcer, verified through its own (async) enforce, which also fills its memo.
  const cached = await casbinCachedEnforcer(casbinLines(small));
  const smallAll = [...smallPool.allowed, ...smallPool.denied];
  const answerOf = new Map<Query, boolean>();
  for (const q of smallAll) answerOf.set(q, await cached.enforce(q.subject.id, q.resource, q.action));
  verify('casbin CachedEnforcer', smallAll, smallExpected, (q) => answerOf.get(q) === true);
  describe(small, smallPool, smallRbac, casbinLines(small).p.length);
  await compareSides('small policy', smallRbac, smallPool, smallPeers, (queries) => [
    cycling('casbin, CachedEnforcer (await enforce())', queries, (q) =>
      cached.enforce(q.subject.id, q.resource, q.action),
    ),
  ]);

  // --- 3. check() with its explanation, small policy -----------------------------------------------
  // check() returns the deciding role and rule (or no-grant, or the deny that won). The peers' nearest
  // calls that also say why: CASL relevantRuleFor (the deciding rule), casbin enforceExSync (the
  // deciding policy line), accesscontrol's Permission.reason (a reason code, no rule).
  const mixed = interleave(smallPool.allowed, smallPool.denied);
  await compare(
    `small policy, check() with explanation (all ${mixed.length} pairs, mixed): checks/s`,
    cycling('@secbot/rbac check()', mixed, (q) => smallRbac.check(q.subject, q.permission)),
    [
      cycling('(for scale) @secbot/rbac can()', mixed, (q) => smallRbac.can(q.subject, q.permission)),
      ...smallPeers.map((peer) => cycling(peer.explainName, mixed, peer.explain)),
    ],
  );

  // --- 2. large policy: allowed and denied checks --------------------------------------------------
  // (casbin's CachedEnforcer is left out here: filling its memo means one uncached ~15 ms evaluation
  // per query, which the enforceSync line already shows; a warm memo is a Map lookup any library
  // could be wrapped in.)
  const large = largeScenario();
  const largeRbac = createRbac(large.policy);
  const largePool = queryPool(large, (s, p) => largeRbac.can(s, p), largePerSide, 7);
  const largePeers = await peersFor(large);
  verifyAll(large, largeRbac, largePool, largePeers, false);
  describe(large, largePool, largeRbac, casbinLines(large).p.length);
  await compareSides('large policy', largeRbac, largePool, largePeers);

  // --- 5. cold cache: a fresh subject object (and roles array) on every check ------------------------
  // Our engine caches a subject's binding per roles array (WeakMap) and then plans per role set; a new
  // array on every call misses the first cache, so each check re-derives the binding and inserts a
  // new WeakMap entry (the role set itself is still found by its sorted names). This is what an app
  // that builds a new principal object per request gets. CASL per role keeps nothing per subject.
  const largeMixed = interleave(largePool.allowed, largePool.denied);
  const caslRole = caslPerRole(large);
  const fresh = (s: BenchSubject): BenchSubject => ({ id: s.id, roles: [...s.roles] });
  await compare(
    'large policy, cold cache: a fresh subject object every check (mixed): checks/s',
    cycling('@secbot/rbac can(), fresh subject', largeMixed, (q) =>
      largeRbac.can(fresh(q.subject), q.permission),
    ),
    [
      cycling('CASL, Ability per role, fresh subject', largeMixed, (q) =>
        caslRole.decide({ ...q, subject: fresh(q.subject) }),
      ),
      cycling('(for scale) @secbot/rbac can(), same subject', largeMixed, (q) =>
        largeRbac.can(q.subject, q.permission),
      ),
    ],
  );

  // --- 4. large policy: load + compile time, retained heap, update() -------------------------------
  // Each library starts from its own input, prepared beforehand: our PolicyDocument, casbin's p/g line
  // arrays, accesscontrol's grants list. CASL has no hierarchy, so flattening roles into rules is its
  // compile step and is timed. Our engine merges role sets and builds check plans lazily, on first
  // use; the "+ one pass" line adds one check of every pool query, so its caches are as when timed.
  console.log('\nlarge policy: load + compile time (median of 3) and retained heap');
  const lines = casbinLines(large);
  const acInput = accessControlGrants(large);
  const allLarge = [...largePool.allowed, ...largePool.denied];
  await load('@secbot/rbac, createRbac()', () => createRbac(large.policy));
  await load('@secbot/rbac, createRbac() + a pass over pool', () => {
    const rbac = createRbac(large.policy);
    for (const q of allLarge) rbac.can(q.subject, q.permission);
    return rbac;
  });
  await load('CASL, Ability per role set (prebuilt)', () => caslPerRoleSet(large));
  await load('CASL, Ability per role', () => caslPerRole(large));
  // casbin keeps the very line arrays it is given (accesscontrol may keep parts of its rows): for the
  // heap figure each gets a copy of its own, so what it retains is counted, as ours counts its clone.
  await load(
    'casbin, newEnforcer(model) + addPolicies',
    () => casbinEnforcer(lines),
    () => casbinEnforcer(structuredClone(lines)),
  );
  await load(
    'accesscontrol 3, new AccessControl(rows)',
    () => accessControlPeer(acInput),
    () => accessControlPeer({ rows: structuredClone(acInput.rows), roleOf: acInput.roleOf }),
  );

  // update(): one role gets one more grant. Only it and the roles inheriting it are recompiled, but
  // the whole document is still validated, cloned, frozen and hashed, which is most of the time.
  console.log('\nlarge policy: rbac.update() with one role changed (median of 7)');
  for (const role of ['l1_007', 'l2_042', 'l4_100']) {
    const rbac = createRbac(large.policy);
    const variants = [withExtraGrant(large.policy, role, 'res499:export'), large.policy];
    let turn = 0;
    const { ms, result } = timed(() => rbac.update(variants[turn++ % 2] as PolicyDocument), 7);
    console.log(
      `  ${`update(), ${role} changed`.padEnd(46)} ${`${ms.toFixed(1)} ms`.padStart(10)}   recompiled ` +
        `${result.recompiled} of ${large.roles.length} roles (${role} and the roles inheriting it: ` +
        `${dependents(large, role)})`,
    );
  }
}

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPolicyAdmin,
  createRbac,
  jsonFilePolicyHistory,
  memoryPolicyHistory,
  type PolicyChange,
  type PolicyHistoryStore,
} from '../src/index.js';
import {
  ana,
  basePolicy,
  bo,
  eve,
  isDeepFrozen,
  rejection,
  thrown,
  withGrant,
} from './policy-admin-helpers.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secbot-policy-history-'));
  file = join(dir, 'history.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const exportPolicy = withGrant(basePolicy, 'agent', 'transcripts:export');

function record(id: string, overrides: Partial<PolicyChange> = {}): PolicyChange {
  return {
    id,
    status: 'pending',
    baseVersion: 'v0',
    proposedBy: 'ana',
    reason: 'test',
    policy: structuredClone(exportPolicy) as PolicyChange['policy'],
    diff: {
      rolesAdded: [],
      rolesRemoved: [],
      grantsAdded: [{ role: 'agent', effect: 'allow', grant: 'transcripts:export' }],
      grantsRemoved: [],
      inheritsAdded: [],
      inheritsRemoved: [],
      scopesChanged: [],
    },
    approvals: [],
    rejections: [],
    createdAt: 1,
    ...overrides,
  };
}

describe('jsonFilePolicyHistory', () => {
  it('persists an admin history across a reopen', async () => {
    const rbac = createRbac(basePolicy);
    const admin = createPolicyAdmin({ rbac, history: jsonFilePolicyHistory({ path: file }) });
    const change = await admin.propose({ policy: exportPolicy, by: ana, reason: 'exports' });
    await admin.approve(change.id, bo);
    const applied = await admin.apply(change.id, ana);
    const pending = await admin.propose({ policy: basePolicy, by: ana, reason: 'revert' });

    const reopened = jsonFilePolicyHistory({ path: file });
    expect(await reopened.list()).toEqual([applied, pending]);
    expect(await reopened.get(change.id)).toEqual(applied);

    // a restarted process boots from the last applied policy and resumes change control
    const restarted = createRbac(
      (await reopened.list()).filter((c) => c.status === 'applied').at(-1)!.policy,
    );
    expect(restarted.version).toBe(applied.appliedVersion);
    expect(restarted.can(eve, 'transcripts:export')).toBe(true);
    const admin2 = createPolicyAdmin({ rbac: restarted, history: reopened });
    expect(await admin2.history()).toEqual([applied]);
    expect((await admin2.get(pending.id)).status).toBe('pending');
    await admin2.approve(pending.id, bo);
    expect((await admin2.apply(pending.id, ana)).sequence).toBe(2);
    expect(restarted.can(eve, 'transcripts:export')).toBe(false);
  });

  it('writes a versioned JSON document and leaves no temporary file behind', async () => {
    const store = jsonFilePolicyHistory({ path: file });
    await store.save(record('a'));
    await store.save(record('a', { status: 'approved', approvals: [{ by: 'bo', at: 2 }] }));
    const document = JSON.parse(readFileSync(file, 'utf8')) as {
      format: string;
      version: number;
      changes: unknown[];
    };
    expect(document.format).toBe('secbot-policy-history');
    expect(document.version).toBe(1);
    expect(document.changes).toEqual([record('a', { status: 'approved', approvals: [{ by: 'bo', at: 2 }] })]);
    expect(readdirSync(dir)).toEqual(['history.json']);
  });

  it('starts empty when the file does not exist yet, and creates it on the first save', async () => {
    const store = jsonFilePolicyHistory({ path: file });
    expect(await store.list()).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    await store.save(record('a'));
    expect(readdirSync(dir)).toEqual(['history.json']);
  });

  it('keeps every one of many concurrent saves, in first-save order', async () => {
    const store = jsonFilePolicyHistory({ path: file });
    const ids = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    await Promise.all(ids.map((id) => store.save(record(id))));
    expect((await jsonFilePolicyHistory({ path: file }).list()).map((change) => change.id)).toEqual(ids);
  });

  it('refuses a corrupt file with CONFIG_INVALID and leaves it untouched', () => {
    const garbage = '{"format":"secbot-policy-history","version":1,"changes":[{"id":"a",';
    writeFileSync(file, garbage);
    const error = thrown(() => jsonFilePolicyHistory({ path: file }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('not valid JSON');
    expect(readFileSync(file, 'utf8')).toBe(garbage);
  });

  it('refuses an empty file rather than starting over', () => {
    writeFileSync(file, '');
    expect(thrown(() => jsonFilePolicyHistory({ path: file })).code).toBe('CONFIG_INVALID');
  });

  it('refuses a file of the wrong shape, naming the path', () => {
    writeFileSync(file, JSON.stringify([]));
    expect(thrown(() => jsonFilePolicyHistory({ path: file })).code).toBe('CONFIG_INVALID');

    const broken = record('a') as unknown as Record<string, unknown>;
    delete broken.proposedBy;
    writeFileSync(file, JSON.stringify({ format: 'secbot-policy-history', version: 1, changes: [broken] }));
    const error = thrown(() => jsonFilePolicyHistory({ path: file }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues?.map((issue) => issue.path)).toEqual(['changes[0].proposedBy']);

    writeFileSync(file, JSON.stringify({ format: 'other', version: 1, changes: [] }));
    expect(thrown(() => jsonFilePolicyHistory({ path: file })).issues?.map((issue) => issue.path)).toEqual([
      'format',
    ]);
  });

  it('refuses records that break an invariant: invalid policy, self-approval, duplicate ids', () => {
    const write = (changes: unknown[]) =>
      writeFileSync(file, JSON.stringify({ format: 'secbot-policy-history', version: 1, changes }));

    write([record('a', { policy: { version: 1, roles: { x: { allow: ['a::b'] } } } })]);
    expect(thrown(() => jsonFilePolicyHistory({ path: file })).issues?.map((issue) => issue.path)).toEqual([
      'changes[0].policy',
    ]);

    write([record('a', { status: 'approved', approvals: [{ by: 'ana', at: 2 }] })]);
    expect(thrown(() => jsonFilePolicyHistory({ path: file })).issues?.map((issue) => issue.path)).toEqual([
      'changes[0].approvals',
    ]);

    write([record('a', { status: 'applied' })]);
    expect(thrown(() => jsonFilePolicyHistory({ path: file })).issues?.map((issue) => issue.path)).toEqual([
      'changes[0].status',
    ]);

    write([record('a'), record('a')]);
    expect(thrown(() => jsonFilePolicyHistory({ path: file })).issues?.map((issue) => issue.path)).toEqual([
      'changes[1].id',
    ]);
  });

  it('refuses a missing directory or a bad path option at open', () => {
    const missing = thrown(() => jsonFilePolicyHistory({ path: join(dir, 'nope', 'history.json') }));
    expect(missing.code).toBe('CONFIG_INVALID');
    expect(missing.issues?.map((issue) => issue.path)).toEqual(['path']);
    const directory = thrown(() => jsonFilePolicyHistory({ path: dir }));
    expect(directory.code).toBe('CONFIG_INVALID');
    const option = thrown(() => jsonFilePolicyHistory({ path: '' }));
    expect(option.issues?.map((issue) => issue.path)).toEqual(['path']);
  });

  it('fails a save with STORE_UNAVAILABLE when the file cannot be written, keeping the old history', async () => {
    const store = jsonFilePolicyHistory({ path: file });
    await store.save(record('a'));
    rmSync(dir, { recursive: true, force: true });
    const error = await rejection(store.save(record('b')));
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect((await store.list()).map((change) => change.id)).toEqual(['a']);
  });
});

describe.each([
  ['memoryPolicyHistory', () => memoryPolicyHistory()],
  ['jsonFilePolicyHistory', () => jsonFilePolicyHistory({ path: file })],
] as [string, () => PolicyHistoryStore][])('%s', (_name, makeStore) => {
  it('stores a deep copy: mutating the saved object or its policy later changes nothing', async () => {
    const store = makeStore();
    const original = record('a');
    await store.save(original);
    (original.policy.roles as Record<string, unknown>).agent = { allow: ['*'] };
    (original.approvals as unknown[]).push({ by: 'mallory', at: 9 });
    const stored = await store.get('a');
    expect(stored).toEqual(record('a'));
    expect(isDeepFrozen(stored)).toBe(true);
  });

  it('hands out records that cannot be altered, and lists that do not alias the store', async () => {
    const store = makeStore();
    await store.save(record('a'));
    const listed = (await store.list()) as PolicyChange[];
    listed.push(record('b'));
    expect(await store.list()).toHaveLength(1);
    const stored = await store.get('a');
    expect(() => {
      (stored as { status: string }).status = 'applied';
    }).toThrow(TypeError);
    expect(await store.get('missing')).toBeUndefined();
  });

  it('replaces a record in place and refuses a malformed one with ARGUMENT_INVALID', async () => {
    const store = makeStore();
    await store.save(record('a'));
    await store.save(record('b'));
    await store.save(record('a', { status: 'rejected', rejections: [{ by: 'bo', at: 3, reason: 'no' }] }));
    expect((await store.list()).map((change) => [change.id, change.status])).toEqual([
      ['a', 'rejected'],
      ['b', 'pending'],
    ]);
    const error = await rejection(store.save({ ...record('c'), proposedBy: '' }));
    expect(error.code).toBe('ARGUMENT_INVALID');
    expect(error.issues?.map((issue) => issue.path)).toEqual(['proposedBy']);
    expect(await store.get('c')).toBeUndefined();
  });
});

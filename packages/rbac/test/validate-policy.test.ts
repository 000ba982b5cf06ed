import { isSecbotError, type SecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { createRbac, type PolicyDocument, parsePolicy } from '../src/index.js';

function configError(run: () => unknown): SecbotError {
  try {
    run();
  } catch (error) {
    if (isSecbotError(error, 'CONFIG_INVALID')) return error;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

const load = (doc: unknown) => configError(() => createRbac(doc as PolicyDocument));
const paths = (error: SecbotError) => error.issues?.map((issue) => issue.path);

describe('policy validation', () => {
  it('refuses documents that are not policies', () => {
    for (const doc of [
      null,
      42,
      'x',
      [],
      {},
      { version: 2, roles: {} },
      { version: 1, roles: [] },
      { version: 1 },
    ]) {
      expect(load(doc).code).toBe('CONFIG_INVALID');
    }
    expect(paths(load({ version: 2, roles: {} }))).toEqual(['version']);
  });

  it('names malformed grants by role, effect and index', () => {
    const error = load({
      version: 1,
      roles: { agent: { allow: ['transcripts:read', 'transcripts read', '', 'a:*b', 42], deny: ['x::y'] } },
    });
    expect(paths(error)).toEqual([
      'roles.agent.allow[1]',
      'roles.agent.allow[2]',
      'roles.agent.allow[3]',
      'roles.agent.allow[4]',
      'roles.agent.deny[0]',
    ]);
  });

  it('names unknown parent roles and unknown conditions', () => {
    const error = load({
      version: 1,
      roles: {
        agent: { inherits: ['customer', 'ghost'], allow: [{ permission: 'x:y', when: 'isFriday' }] },
        customer: {},
      },
    });
    expect(error.message).toContain('unknown role "ghost"');
    expect(error.message).toContain('unknown condition "isFriday"');
    expect(paths(error)).toEqual(['roles.agent.allow[0].when', 'roles.agent.inherits[1]']);
  });

  it('finds inheritance cycles, including self-inheritance and long loops', () => {
    expect(load({ version: 1, roles: { a: { inherits: ['a'] } } }).message).toContain(
      'inheritance cycle: a -> a',
    );
    const error = load({
      version: 1,
      roles: { a: { inherits: ['b'] }, b: { inherits: ['c'] }, c: { inherits: ['a'] }, d: {} },
    });
    expect(error.message).toContain('inheritance cycle: a -> b -> c -> a');
  });

  it('refuses unknown keys and bad role names, naming them', () => {
    expect(paths(load({ version: 1, roles: { agent: { allows: ['x:y'] } } }))).toEqual(['roles.agent']);
    expect(load({ version: 1, roles: { agent: { allows: ['x:y'] } } }).message).toContain('allows');
    expect(paths(load({ version: 1, roles: { 'bad role': {}, 'a@b': {}, '': {} } }))).toEqual([
      'roles.bad role',
      'roles.a@b',
      'roles.',
    ]);
    expect(paths(load({ version: 1, roles: { a: { scope: 'global' } } }))).toEqual(['roles.a.scope']);
  });

  it('handles a 30,000-role inheritance chain without overflowing the stack', () => {
    const roles: Record<string, { inherits?: string[]; allow?: string[] }> = { r0: { allow: ['base:read'] } };
    for (let i = 1; i < 30_000; i++) roles[`r${i}`] = { inherits: [`r${i - 1}`] };
    const rbac = createRbac({ version: 1, roles });
    expect(rbac.can({ roles: ['r29999'] }, 'base:read')).toBe(true);
    roles.r0 = { inherits: ['r29999'] };
    expect(load({ version: 1, roles }).message).toContain('inheritance cycle');
  }, 60_000);
});

describe('parsePolicy', () => {
  it('reads JSON and YAML to the same document', () => {
    const json = parsePolicy('{"version":1,"roles":{"agent":{"allow":["transcripts:read"]}}}');
    const yaml = parsePolicy('version: 1\nroles:\n  agent:\n    allow: ["transcripts:read"]\n');
    expect(yaml).toEqual(json);
  });

  it('refuses garbage, duplicate keys, alias bombs and oversized text', () => {
    expect(configError(() => parsePolicy('{{{ not: [ json or yaml')).message).toContain(
      'neither valid JSON nor valid YAML',
    );
    expect(configError(() => parsePolicy('version: 1\nroles: {}\nroles: {}\n')).code).toBe('CONFIG_INVALID');
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      );
    const started = performance.now();
    expect(configError(() => parsePolicy(bomb.join('\n'))).code).toBe('CONFIG_INVALID');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(configError(() => parsePolicy(' '.repeat(10 * 1024 * 1024 + 1))).message).toContain('10 MiB');
  });

  it('keeps a YAML role named __proto__ as a role, without touching prototypes', () => {
    const doc = parsePolicy('version: 1\nroles:\n  __proto__:\n    allow: ["x:read"]\n');
    expect(Object.keys(doc.roles)).toEqual(['__proto__']);
    expect(createRbac(doc).can({ roles: ['__proto__'] }, 'x:read')).toBe(true);
  });

  it('checks structure, naming the path', () => {
    expect(
      paths(configError(() => parsePolicy('version: 1\nroles:\n  a:\n    allow: ["bad grant"]\n'))),
    ).toEqual(['roles.a.allow[0]']);
  });
});

describe('permission vocabulary', () => {
  const permissions = ['transcripts:read', 'transcripts:export', 'bot:chat'] as const;

  it('accepts grants that cover or refine a known permission', () => {
    const rbac = createRbac(
      { version: 1, roles: { a: { allow: ['transcripts:*', 'bot', '*'], deny: ['transcripts:read:ssn'] } } },
      { permissions },
    );
    expect(rbac.can({ roles: ['a'] }, 'transcripts:export')).toBe(true);
  });

  it('refuses a misspelt grant at load, naming the role and grant', () => {
    const error = configError(() =>
      createRbac({ version: 1, roles: { agent: { allow: ['transcipts:read'] } } }, { permissions }),
    );
    expect(error.message).toContain('grant "transcipts:read" matches no known permission');
    expect(paths(error)).toEqual(['roles.agent']);
  });

  it('refuses a vocabulary with malformed permissions', () => {
    expect(
      configError(() => createRbac({ version: 1, roles: {} }, { permissions: ['a:*'] })).message,
    ).toContain('permissions');
  });
});

describe('options', () => {
  it('refuses bad options with CONFIG_INVALID naming them', () => {
    expect(
      configError(() => createRbac({ version: 1, roles: {} }, { grantedSampleRate: 2 })).message,
    ).toContain('grantedSampleRate');
    expect(
      configError(() => createRbac({ version: 1, roles: {} }, { conditions: { x: 'no' as never } })).message,
    ).toContain('conditions.x');
    expect(configError(() => createRbac({ version: 1, roles: {} }, { bus: {} as never })).message).toContain(
      'bus',
    );
    expect(configError(() => createRbac({ version: 1, roles: {} }, { extra: 1 } as never)).message).toContain(
      'extra',
    );
  });
});

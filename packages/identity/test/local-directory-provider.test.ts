import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Credentials, isSecbotError, type SecbotError } from '@secbot/core';
import { createManualClock, secbotRejection as failure } from '@secbot/test-utils';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localDirectoryProvider } from '../src/local-directory-provider.js';
import { createUserRecord, type LocalUserRecord } from '../src/local-user-record.js';
import { hashPassword, type PasswordHashParams, verifyPassword } from '../src/password-hashing.js';

const fast: PasswordHashParams = { algorithm: 'argon2id', memoryKiB: 1024, iterations: 1 };
const fastScrypt: PasswordHashParams = { algorithm: 'scrypt', cost: 1024 };

const login = (username: unknown, password: unknown) =>
  ({ kind: 'password', username, password }) as unknown as Credentials;

let users: LocalUserRecord[];
let dir: string;

beforeAll(async () => {
  users = [
    await createUserRecord('Ana', 'ana-password-1', ['agent'], {
      params: fast,
      tenantId: 'acme',
      attributes: { department: 'support' },
    }),
    await createUserRecord('bob', 'bob-password-1', ['customer'], { params: fast }),
    { ...(await createUserRecord('carol', 'carol-password-1', ['admin'], { params: fast })), disabled: true },
  ];
  dir = mkdtempSync(join(tmpdir(), 'secbot-local-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('localDirectoryProvider: sign-in', () => {
  it('authenticates a user and builds a frozen principal', async () => {
    const clock = createManualClock();
    const local = localDirectoryProvider({ users, hashing: fast, now: clock.now });
    expect(local.name).toBe('local');
    expect(local.kinds).toEqual(['password']);
    expect(local.size).toBe(3);
    const principal = await local.authenticate(login('Ana', 'ana-password-1'));
    expect(principal).toEqual({
      id: 'Ana',
      roles: ['agent'],
      tenantId: 'acme',
      attributes: { department: 'support' },
      authMethod: 'password',
      authenticatedAt: clock.now(),
    });
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal.roles)).toBe(true);
  });

  it('answers a wrong password and an unknown user with the same code and message', async () => {
    const local = localDirectoryProvider({ users, hashing: fast });
    const wrong = await failure(local.authenticate(login('Ana', 'not-her-password')));
    const unknown = await failure(local.authenticate(login('mallory', 'ana-password-1')));
    expect(wrong.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(unknown.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(unknown.message).toBe(wrong.message);
    expect(wrong.message).not.toContain('not-her-password');
  });

  it('reports a disabled account only to a caller who knows the password', async () => {
    const local = localDirectoryProvider({ users, hashing: fast });
    expect((await failure(local.authenticate(login('carol', 'carol-password-1')))).code).toBe(
      'AUTH_ACCOUNT_DISABLED',
    );
    expect((await failure(local.authenticate(login('carol', 'guess')))).code).toBe(
      'AUTH_INVALID_CREDENTIALS',
    );
  });

  it('normalises usernames: NFKC and case folding by default; exact case on request', async () => {
    const local = localDirectoryProvider({ users, hashing: fast });
    await expect(local.authenticate(login('ANA', 'ana-password-1'))).resolves.toMatchObject({ id: 'Ana' });
    await expect(local.authenticate(login('\uff21\uff4e\uff41', 'ana-password-1'))).resolves.toMatchObject({
      id: 'Ana',
    }); // full-width
    const exact = localDirectoryProvider({ users, hashing: fast, caseInsensitive: false });
    await expect(exact.authenticate(login('Ana', 'ana-password-1'))).resolves.toMatchObject({ id: 'Ana' });
    expect((await failure(exact.authenticate(login('ana', 'ana-password-1')))).code).toBe(
      'AUTH_INVALID_CREDENTIALS',
    );
  });

  it('refuses malformed credentials with AUTH_INVALID_CREDENTIALS, never a crash', async () => {
    const local = localDirectoryProvider({ users, hashing: fast });
    const hostile: unknown[] = [
      null,
      undefined,
      'Ana',
      42,
      {},
      { kind: 'bearer', token: 'x' },
      { kind: 'apiKey', key: 'x' },
      login(42, 'ana-password-1'),
      login(null, 'ana-password-1'),
      login('Ana', 42),
      login('Ana', null),
      login('Ana', ['ana-password-1']),
      login('Ana', ''),
      login('', 'ana-password-1'),
      login('   ', 'ana-password-1'),
      login('Ana\u0000', 'ana-password-1'),
      login('An\u0000a', 'ana-password-1'),
      login('Ana\n', 'ana-password-1'),
      login('\ud800', 'ana-password-1'),
      login('a'.repeat(257), 'ana-password-1'),
      login('a'.repeat(5_000_000), 'ana-password-1'),
      login('Ana', 'x'.repeat(1025)),
      login('Ana', 'x'.repeat(5_000_000)),
      login('Ana', 'ana-password-1\ud800'),
    ];
    for (const credentials of hostile) {
      const error = await failure(local.authenticate(credentials as Credentials));
      expect(error.code).toBe('AUTH_INVALID_CREDENTIALS');
    }
  });

  it('verifies an unknown username in about the same time as a known one (dummy hash)', async () => {
    // Costs high enough (~10 ms a hash) that scheduling noise is small beside them.
    const params: PasswordHashParams = { algorithm: 'argon2id', memoryKiB: 8192, iterations: 1 };
    const record = await createUserRecord('dana', 'dana-password-1', [], { params });
    const local = localDirectoryProvider({ users: [record], hashing: params });
    const time = async (username: string): Promise<number> => {
      const started = performance.now();
      await local.authenticate(login(username, 'wrong-password')).catch(() => undefined);
      return performance.now() - started;
    };
    await time('dana');
    await time('nobody'); // warm-up
    const ratios: number[] = [];
    for (let run = 0; run < 3; run++) {
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 11; i++) {
        known.push(await time('dana'));
        unknown.push(await time(`nobody-${i}`));
      }
      ratios.push(median(unknown) / median(known));
    }
    // Each run's ratio of medians; the median run must be within 0.7..1.4 (without the dummy hash
    // an unknown name would answer in microseconds, a ratio near 0).
    const ratio = median(ratios);
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.4);
  });
});

describe('localDirectoryProvider: rehash on parameter upgrade', () => {
  it('rehashes an outdated hash after sign-in and hands it to onRehash once', async () => {
    const old = await createUserRecord('erin', 'erin-password-1', ['agent'], { params: fastScrypt });
    const onRehash = vi.fn();
    const local = localDirectoryProvider({ users: [old], hashing: fast, onRehash });
    await local.authenticate(login('erin', 'erin-password-1'));
    expect(onRehash).toHaveBeenCalledTimes(1);
    const [username, hash] = onRehash.mock.calls[0] as [string, string];
    expect(username).toBe('erin');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    await expect(verifyPassword('erin-password-1', hash)).resolves.toBe(true);
    await local.authenticate(login('erin', 'erin-password-1')); // the new hash is in use
    expect(onRehash).toHaveBeenCalledTimes(1);
  });

  it('does not rehash on a failed sign-in or for a disabled user', async () => {
    const old = await createUserRecord('fay', 'fay-password-1', [], { params: fastScrypt });
    const onRehash = vi.fn();
    const local = localDirectoryProvider({
      users: [old, { ...old, username: 'gus', disabled: true }],
      hashing: fast,
      onRehash,
    });
    await failure(local.authenticate(login('fay', 'wrong')));
    await failure(local.authenticate(login('gus', 'fay-password-1')));
    expect(onRehash).not.toHaveBeenCalled();
  });

  it('still signs the user in when onRehash fails, and warns without details', async () => {
    const old = await createUserRecord('hal', 'hal-password-1', [], { params: fastScrypt });
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const local = localDirectoryProvider({
      users: [old],
      hashing: fast,
      onRehash: () => Promise.reject(new Error('database down: hal-password-1')),
    });
    await expect(local.authenticate(login('hal', 'hal-password-1'))).resolves.toMatchObject({ id: 'hal' });
    expect(warn).toHaveBeenCalledWith('localDirectoryProvider: rehash failed (Error)', {
      code: 'SECBOT_REHASH_FAILED',
    });
    warn.mockRestore();
  });
});

describe('localDirectoryProvider: configuration', () => {
  it('reads users from a JSON file', async () => {
    const file = join(dir, 'users.json');
    writeFileSync(file, JSON.stringify({ users }));
    const local = localDirectoryProvider({ file, hashing: fast });
    await expect(local.authenticate(login('bob', 'bob-password-1'))).resolves.toMatchObject({
      id: 'bob',
      roles: ['customer'],
    });
  });

  it('reads users from a YAML file, and refuses a broken one without quoting it', async () => {
    const file = join(dir, 'users.yaml');
    const lines = ['users:'];
    for (const user of users) {
      lines.push(`  - username: ${JSON.stringify(user.username)}`);
      lines.push(`    passwordHash: ${JSON.stringify(user.passwordHash)}`);
      lines.push(`    roles: ${JSON.stringify(user.roles ?? [])}`);
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const local = localDirectoryProvider({ file, hashing: fast });
    await expect(local.authenticate(login('bob', 'bob-password-1'))).resolves.toMatchObject({
      id: 'bob',
      roles: ['customer'],
    });
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, 'users:\n  - username: x\n    passwordHash: "$argon2id$SECRET-ISH\n   bad: [\n');
    const error = (() => {
      try {
        localDirectoryProvider({ file: broken });
      } catch (e) {
        return e as SecbotError;
      }
      throw new Error('expected CONFIG_INVALID');
    })();
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).not.toContain('SECRET-ISH');
  });

  const configError = (make: () => unknown): SecbotError => {
    try {
      make();
    } catch (error) {
      if (isSecbotError(error, 'CONFIG_INVALID')) return error;
      throw error;
    }
    throw new Error('expected CONFIG_INVALID');
  };
  const paths = (error: SecbotError) => error.issues?.map((issue) => issue.path);

  it('fails at start-up with CONFIG_INVALID naming the path', () => {
    const bob = users[1] as LocalUserRecord;
    expect(paths(configError(() => localDirectoryProvider({ file: join(dir, 'missing.json') })))).toEqual([
      'file',
    ]);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "users": [ { "username": "x", "passwordHash": "$argon2id$SECRET-ISH ');
    const parseError = configError(() => localDirectoryProvider({ file: broken }));
    expect(paths(parseError)).toEqual(['file']);
    expect(parseError.message).not.toContain('SECRET-ISH');
    const plaintext = configError(() =>
      localDirectoryProvider({ users: [bob, { username: 'ivy', passwordHash: 'hunter2-plaintext' }] }),
    );
    expect(paths(plaintext)).toEqual(['users[1].passwordHash']);
    expect(plaintext.message).not.toContain('hunter2-plaintext');
    expect(
      paths(configError(() => localDirectoryProvider({ users: [{ ...bob, roles: ['bad role!'] }] }))),
    ).toEqual(['users[0].roles[0]']);
    expect(
      paths(configError(() => localDirectoryProvider({ users: [{ ...bob, username: 'a\u0000b' }] }))),
    ).toEqual(['users[0].username']);
    expect(
      paths(configError(() => localDirectoryProvider({ users: [bob, { ...bob, username: 'BOB' }] }))),
    ).toEqual(['users[1].username']);
    expect(paths(configError(() => localDirectoryProvider({})))).toEqual(['users']);
    expect(paths(configError(() => localDirectoryProvider({ users, file: 'x.json' })))).toEqual(['users']);
    expect(
      paths(
        configError(() =>
          localDirectoryProvider({ users, hashing: { algorithm: 'argon2id', memoryKiB: 1 } }),
        ),
      ),
    ).toEqual(['hashing.memoryKiB']);
    const fileRecord = join(dir, 'bad-record.json');
    writeFileSync(fileRecord, JSON.stringify({ users: [bob, { ...bob, username: 'zed', extra: 1 }] }));
    expect(paths(configError(() => localDirectoryProvider({ file: fileRecord })))).toEqual(['users[1]']);
  });

  it('accepts the same usernames in different case when case-sensitive', () => {
    const bob = users[1] as LocalUserRecord;
    expect(
      localDirectoryProvider({ users: [bob, { ...bob, username: 'BOB' }], caseInsensitive: false }).size,
    ).toBe(2);
  });

  it('createUserRecord refuses bad usernames and roles with ARGUMENT_INVALID', async () => {
    for (const [username, roles] of [
      ['', []],
      ['a\u0000b', []],
      ['ok', ['not ok']],
      ['ok', [42]],
    ] as [string, string[]][]) {
      const error = await failure(createUserRecord(username, 'password-1', roles, { params: fast }));
      expect(error.code).toBe('ARGUMENT_INVALID');
    }
    expect((await failure(createUserRecord('ok', '', [], { params: fast }))).code).toBe('ARGUMENT_INVALID');
    const record = await createUserRecord('ok', 'password-1');
    expect(record.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(record)).not.toContain('password-1');
    expect(await hashPassword('x', fast)).not.toBe(record.passwordHash);
  });
});

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

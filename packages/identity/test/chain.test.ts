import {
  type Credentials,
  createEventBus,
  createMemoryStore,
  type IdentityProvider,
  isSecbotError,
  type Principal,
  SecbotError,
  type SecbotErrorCode,
  type SecurityEvent,
} from '@secbot/core';
import { createManualClock, secbotRejection as failure } from '@secbot/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../src/authenticator.js';
import { chain } from '../src/chain.js';
import { defineIdentityProvider } from '../src/define-identity-provider.js';
import { localDirectoryProvider } from '../src/local-directory-provider.js';
import { createUserRecord } from '../src/local-user-record.js';

const principal = (id: string, authMethod = 'test'): Principal => ({
  id,
  roles: [],
  authMethod,
  authenticatedAt: 1,
});
const password: Credentials = { kind: 'password', username: 'ana', password: 'pw-123456' };
const bearer: Credentials = { kind: 'bearer', token: 'opaque-token' };

/** A provider that answers with a fixed outcome and records its calls. */
function stub(name: string, outcome: Principal | SecbotErrorCode | Error, kinds?: Credentials['kind'][]) {
  const authenticate = vi.fn(async (): Promise<Principal> => {
    if (outcome instanceof Error) throw outcome;
    if (typeof outcome === 'string') throw new SecbotError(outcome, `${name}: ${outcome}`);
    return outcome;
  });
  return { name, authenticate, ...(kinds === undefined ? {} : { kinds }) } satisfies IdentityProvider;
}

describe('chain', () => {
  it('returns the first success and does not ask later providers', async () => {
    const a = stub('a', principal('from-a'));
    const b = stub('b', principal('from-b'));
    const both = chain(a, b);
    expect(both.name).toBe('chain(a,b)');
    await expect(both.authenticate(password)).resolves.toMatchObject({ id: 'from-a' });
    expect(b.authenticate).not.toHaveBeenCalled();
  });

  it('passes an invalid answer on to the next provider', async () => {
    const a = stub('a', 'AUTH_INVALID_CREDENTIALS');
    const b = stub('b', principal('from-b'));
    await expect(chain(a, b).authenticate(password)).resolves.toMatchObject({ id: 'from-b' });
  });

  it('skips providers that do not accept the kind', async () => {
    const pw = stub('pw', principal('pw'), ['password']);
    const tok = stub('tok', principal('tok'), ['bearer']);
    const both = chain(pw, tok);
    expect(both.kinds).toEqual(['password', 'bearer']);
    await expect(both.authenticate(bearer)).resolves.toMatchObject({ id: 'tok' });
    expect(pw.authenticate).not.toHaveBeenCalled();
    const error = await failure(chain(pw).authenticate({ kind: 'apiKey', key: 'k' }));
    expect(error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(pw.authenticate).not.toHaveBeenCalled();
  });

  it('stops at a verdict about a recognised subject (disabled, expired, MFA required...)', async () => {
    for (const code of [
      'AUTH_ACCOUNT_DISABLED',
      'AUTH_TOKEN_EXPIRED',
      'AUTH_MFA_REQUIRED',
      'AUTH_PASSWORD_EXPIRED',
    ] as const) {
      const a = stub('a', code);
      const b = stub('b', principal('from-b'));
      expect((await failure(chain(a, b).authenticate(password))).code).toBe(code);
      expect(b.authenticate).not.toHaveBeenCalled();
    }
  });

  it('fails closed: a rejection beats an outage elsewhere, in either order', async () => {
    const down = stub('down', 'AUTH_PROVIDER_UNAVAILABLE');
    const no = stub('no', 'AUTH_INVALID_CREDENTIALS');
    expect((await failure(chain(down, no).authenticate(password))).code).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await failure(chain(no, down).authenticate(password))).code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('answers AUTH_PROVIDER_UNAVAILABLE only when no provider could answer', async () => {
    const one = stub('one', 'AUTH_PROVIDER_UNAVAILABLE');
    const two = stub('two', new Error('ECONNREFUSED 10.0.0.5:636 bind password=hunter2'));
    const error = await failure(chain(one, two).authenticate(password));
    expect(error.code).toBe('AUTH_PROVIDER_UNAVAILABLE');
    expect(error.message).not.toContain('hunter2');
    expect(error.cause).toBeInstanceOf(AggregateError);
  });

  it('wraps a non-SecbotError, keeping it as the cause only', async () => {
    const thrown = new TypeError('secret detail');
    const error = await failure(chain(stub('raw', thrown)).authenticate(password));
    expect(error.code).toBe('AUTH_PROVIDER_UNAVAILABLE');
    expect(error.message).not.toContain('secret detail');
    expect(error.cause).toBe(thrown);
    expect(JSON.stringify(error)).not.toContain('secret detail');
  });

  it('refuses malformed credentials without asking any provider', async () => {
    const a = stub('a', principal('a'));
    for (const bad of [null, {}, { kind: 'password', username: 1, password: 'x' }, { kind: 'magic' }]) {
      expect((await failure(chain(a).authenticate(bad as Credentials))).code).toBe(
        'AUTH_INVALID_CREDENTIALS',
      );
    }
    expect(a.authenticate).not.toHaveBeenCalled();
  });

  it('checks principals from raw providers too', async () => {
    const broken = {
      name: 'broken',
      authenticate: async () => ({ id: '', roles: 'admin' }) as unknown as Principal,
    };
    const error = await failure(chain(broken).authenticate(password));
    expect(error.code).toBe('AUTH_PROVIDER_UNAVAILABLE');
    expect(error.issues?.map((i) => i.path)).toEqual(['id', 'roles', 'authMethod', 'authenticatedAt']);
  });

  it('refuses bad arguments with CONFIG_INVALID', () => {
    expect(() => chain()).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    try {
      chain(stub('a', principal('a')), {} as IdentityProvider);
      expect.unreachable();
    } catch (error) {
      expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
      expect((error as SecbotError).issues?.[0]?.path).toBe('providers[1]');
    }
  });
});

describe('defineIdentityProvider', () => {
  it('validates the definition with CONFIG_INVALID naming the path', () => {
    const authenticate = async () => principal('x');
    for (const [definition, path] of [
      [{ name: '', kinds: ['bearer'], authenticate }, 'name'],
      [{ name: 'bad name', kinds: ['bearer'], authenticate }, 'name'],
      [{ name: 'ok', kinds: [], authenticate }, 'kinds'],
      [{ name: 'ok', kinds: ['saml'], authenticate }, 'kinds[0]'],
      [{ name: 'ok', kinds: ['bearer', 'bearer'], authenticate }, 'kinds'],
      [{ name: 'ok', kinds: ['bearer'] }, 'authenticate'],
    ] as const) {
      try {
        defineIdentityProvider(definition as never);
        expect.unreachable();
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as SecbotError).issues?.map((i) => i.path)).toEqual([path]);
      }
    }
  });

  it('calls the function only with well-formed credentials of its kinds', async () => {
    const authenticate = vi.fn(async () => principal('x'));
    const provider = defineIdentityProvider({ name: 'sso', kinds: ['bearer'], authenticate });
    expect(provider.kinds).toEqual(['bearer']);
    for (const bad of [
      password,
      { kind: 'bearer', token: '' },
      { kind: 'bearer', token: 'x'.repeat(20_000) },
      { kind: 'bearer' },
      null,
    ]) {
      expect((await failure(provider.authenticate(bad as Credentials))).code).toBe(
        'AUTH_INVALID_CREDENTIALS',
      );
    }
    expect(authenticate).not.toHaveBeenCalled();
    await provider.authenticate(bearer, { requestId: 'r', channel: 'http', receivedAt: 0 });
    expect(authenticate).toHaveBeenCalledWith(bearer, { requestId: 'r', channel: 'http', receivedAt: 0 });
  });

  it('lets SecbotErrors through and wraps anything else as AUTH_PROVIDER_UNAVAILABLE (cause kept)', async () => {
    const refusing = defineIdentityProvider({
      name: 'sso',
      kinds: ['bearer'],
      authenticate: () => {
        throw new SecbotError('AUTH_INVALID_TOKEN', 'sso: inactive');
      },
    });
    expect((await failure(refusing.authenticate(bearer))).code).toBe('AUTH_INVALID_TOKEN');
    const thrown = new Error('upstream said: token opaque-token is bad');
    const crashing = defineIdentityProvider({
      name: 'sso',
      kinds: ['bearer'],
      authenticate: async () => {
        throw thrown;
      },
    });
    const error = await failure(crashing.authenticate(bearer));
    expect(error.code).toBe('AUTH_PROVIDER_UNAVAILABLE');
    expect(error.message).not.toContain('opaque-token');
    expect(error.cause).toBe(thrown);
    const throwingString = defineIdentityProvider({
      name: 'sso',
      kinds: ['bearer'],
      authenticate: () => Promise.reject('a string'),
    });
    expect((await failure(throwingString.authenticate(bearer))).code).toBe('AUTH_PROVIDER_UNAVAILABLE');
  });

  it('checks the principal it returns, failing closed with the bad paths', async () => {
    const cases: [unknown, string[]][] = [
      [undefined, ['']],
      [{ ...principal(''), id: '' }, ['id']],
      [{ ...principal('x'), roles: 'admin' }, ['roles']],
      [{ ...principal('x'), roles: ['ok', 'not ok'] }, ['roles[1]']],
      [{ id: 'x', roles: [], authenticatedAt: 1 }, ['authMethod']],
      [{ ...principal('x'), authenticatedAt: 'now' }, ['authenticatedAt']],
      [{ ...principal('x'), id: 'a\u0000b' }, ['id']],
    ];
    for (const [returned, paths] of cases) {
      const provider = defineIdentityProvider({
        name: 'p',
        kinds: ['bearer'],
        authenticate: () => returned as Principal,
      });
      const error = await failure(provider.authenticate(bearer));
      expect(error.code).toBe('AUTH_PROVIDER_UNAVAILABLE');
      expect(error.issues?.map((i) => i.path)).toEqual(paths);
    }
  });

  it('returns a frozen copy without unknown fields', async () => {
    const returned = { ...principal('x'), roles: ['a'], password: 'should-not-travel' };
    const provider = defineIdentityProvider({ name: 'p', kinds: ['bearer'], authenticate: () => returned });
    const result = await provider.authenticate(bearer);
    expect(result).toEqual({ id: 'x', roles: ['a'], authMethod: 'test', authenticatedAt: 1 });
    returned.roles.push('admin');
    expect(result.roles).toEqual(['a']);
    expect(Object.isFrozen(result.roles)).toBe(true);
  });
});

describe('a custom provider end to end through the authenticator', () => {
  it('signs in with a bank SSO token or a local password, with events and lockout', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ now: clock.now });
    const bus = createEventBus({ now: clock.now });
    const events: SecurityEvent[] = [];
    bus.onAny((event) => {
      events.push(event);
    });
    const sessions = new Map([['valid-sso-session', { user: 'u-42', segment: 'private-banking' }]]);
    const bankSso = defineIdentityProvider({
      name: 'bank-sso',
      kinds: ['bearer'],
      async authenticate({ token }) {
        const session = sessions.get(token);
        if (session === undefined) throw new SecbotError('AUTH_INVALID_TOKEN', 'bank-sso: unknown session');
        return {
          id: session.user,
          roles: ['customer'],
          attributes: { segment: session.segment },
          authMethod: 'bank-sso',
          authenticatedAt: clock.now(),
        };
      },
    });
    const local = localDirectoryProvider({
      users: [
        await createUserRecord('ops', 'ops-password-1', ['admin'], {
          params: { algorithm: 'argon2id', memoryKiB: 1024, iterations: 1 },
        }),
      ],
      hashing: { algorithm: 'argon2id', memoryKiB: 1024, iterations: 1 },
    });
    const auth = createAuthenticator({ providers: [bankSso, local], store, bus, now: clock.now });
    const context = {
      requestId: 'req-1',
      channel: 'botframework',
      ip: '198.51.100.7',
      receivedAt: clock.now(),
    };

    await expect(auth.authenticate({ kind: 'bearer', token: 'valid-sso-session' }, context)).resolves.toEqual(
      {
        id: 'u-42',
        roles: ['customer'],
        attributes: { segment: 'private-banking' },
        authMethod: 'bank-sso',
        authenticatedAt: clock.now(),
      },
    );
    await expect(
      auth.authenticate({ kind: 'password', username: 'ops', password: 'ops-password-1' }, context),
    ).resolves.toMatchObject({
      id: 'ops',
      authMethod: 'password',
    });
    expect((await failure(auth.authenticate({ kind: 'bearer', token: 'forged' }, context))).code).toBe(
      'AUTH_INVALID_TOKEN',
    );

    expect(events).toEqual([
      {
        type: 'auth.success',
        ts: clock.now(),
        requestId: 'req-1',
        channel: 'botframework',
        ip: '198.51.100.7',
        actor: { id: 'u-42', roles: ['customer'] },
        provider: 'bank-sso',
        method: 'bank-sso',
      },
      {
        type: 'auth.success',
        ts: clock.now(),
        requestId: 'req-1',
        channel: 'botframework',
        ip: '198.51.100.7',
        actor: { id: 'ops', roles: ['admin'] },
        provider: 'local',
        method: 'password',
      },
      {
        type: 'auth.failure',
        ts: clock.now(),
        requestId: 'req-1',
        channel: 'botframework',
        ip: '198.51.100.7',
        provider: 'bank-sso',
        method: 'bearer',
        code: 'AUTH_INVALID_TOKEN',
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('ops-password-1');
    expect(JSON.stringify(events)).not.toContain('valid-sso-session');
  });
});

// ldapProvider against a real slapd: logins, groups and roles, wrong and unknown users, names that
// need escaping, LDAP injection, and passwords refused before any bind.
import { createManualClock } from '@secbot/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, everythingIn, provider, rejection, settle, spiedProvider } from './helpers.js';
import { groups, groupsDN, service, userFilter, users, useSlapd } from './slapd.js';

const slapd = useSlapd();
afterEach(closeAll);

const login = (username: string, password: string) => ({ kind: 'password' as const, username, password });
// Binds as a real user. A failed lookup still binds once, as a DN that does not exist (so an
// unknown user takes as long as a wrong password): that one is not a user bind.
const absent = /^cn=secbot-absent-[0-9a-f]{16},/i;
const userBinds = (binds: readonly string[]): string[] =>
  binds.filter((dn) => dn !== service.dn && !absent.test(dn));

describe('ldapProvider against slapd: logins', () => {
  it('logs alice in with her direct and nested groups mapped to roles', async () => {
    const clock = createManualClock();
    const ldap = provider(slapd(), { now: clock.now, attributes: ['mail', 'displayName'] });
    const principal = await ldap.authenticate(login('alice', users.alice.password));
    expect(principal).toEqual({
      id: 'uid=alice,ou=people,dc=example,dc=com',
      roles: ['agent', 'customer', 'staff', 'support'],
      groups: [groups.agents, groups.support, groups.staff],
      attributes: { mail: 'alice@example.com', displayName: 'ALICE Display' },
      authMethod: 'ldap',
      authenticatedAt: clock.now(),
    });
    expect(Object.isFrozen(principal)).toBe(true);
  });

  it('finds the same groups with a groupOfNames member search, and only direct ones when not nested', async () => {
    const nested = provider(slapd(), { groupSearch: { mode: 'member', base: groupsDN } });
    const principal = await nested.authenticate(login('alice', users.alice.password));
    expect(principal.groups).toEqual([groups.agents, groups.support, groups.staff]);
    expect(principal.roles).toEqual(['agent', 'customer', 'staff', 'support']);

    const direct = provider(slapd(), { groupSearch: { mode: 'member', base: groupsDN, nested: false } });
    expect((await direct.authenticate(login('alice', users.alice.password))).groups).toEqual([groups.agents]);
    const directMemberOf = provider(slapd(), { groupSearch: { mode: 'memberOf', nested: false } });
    expect((await directMemberOf.authenticate(login('alice', users.alice.password))).roles).toEqual([
      'agent',
      'customer',
    ]);
  });

  it('uses a configured id attribute', async () => {
    const ldap = provider(slapd(), { idAttribute: 'uid' });
    expect((await ldap.authenticate(login('bob', users.bob.password))).id).toBe('bob');
  });

  it('terminates on a membership cycle and stops at the depth limit', async () => {
    for (const mode of ['memberOf', 'member'] as const) {
      const groupSearch = mode === 'memberOf' ? { mode } : { mode, base: groupsDN };
      const ldap = provider(slapd(), { groupSearch });
      const carol = await ldap.authenticate(login('carol', users.carol.password));
      expect(carol.groups, mode).toEqual([groups.cycleA, groups.cycleB]);
      const dave = await ldap.authenticate(login('dave', users.dave.password));
      expect(dave.groups, mode).toEqual(groups.deep.slice(0, 5)); // default maxDepth 5
      const shallow = provider(slapd(), { groupSearch: { ...groupSearch, maxDepth: 2 } });
      expect((await shallow.authenticate(login('dave', users.dave.password))).groups, mode).toEqual(
        groups.deep.slice(0, 2),
      );
    }
  });

  it('gives a user without groups the default roles only', async () => {
    const principal = await provider(slapd()).authenticate(login('eve', users.eve.password));
    expect(principal.groups).toEqual([]);
    expect(principal.roles).toEqual(['customer']);
  });
});

describe('ldapProvider against slapd: refusals', () => {
  it('refuses a wrong password, and the error holds no password', async () => {
    const { provider: ldap, spy } = spiedProvider(slapd());
    const wrong = 'Not-Alices-pw-42';
    const err = await rejection(ldap.authenticate(login('alice', wrong)), 'AUTH_INVALID_CREDENTIALS');
    expect(err.publicMessage).toBe('Authentication failed');
    expect(spy.binds(users.alice.dn)).toHaveLength(1); // the bind was really tried
    expect(everythingIn(err)).not.toContain(wrong);
    expect(everythingIn(err)).not.toContain(service.password);
  });

  it('answers an unknown user exactly like a wrong password, with a different log detail', async () => {
    const ldap = provider(slapd());
    const wrong = await rejection(
      ldap.authenticate(login('alice', 'nope-nope-1')),
      'AUTH_INVALID_CREDENTIALS',
    );
    const unknown = await rejection(
      ldap.authenticate(login('mallory', 'nope-nope-1')),
      'AUTH_INVALID_CREDENTIALS',
    );
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.publicMessage).toBe(wrong.publicMessage);
    expect(unknown.message).toMatch(/no entry matched/);
    expect(wrong.message).not.toMatch(/no entry matched/);
  });

  it('refuses a username that matches two entries, without binding as either', async () => {
    const { provider: ldap, spy } = spiedProvider(slapd());
    const err = await rejection(
      ldap.authenticate(login('twin', users.twinA.password)),
      'AUTH_INVALID_CREDENTIALS',
    );
    expect(err.message).toMatch(/more than one entry/);
    expect(spy.binds(users.twinA.dn)).toEqual([]);
    expect(spy.binds(users.twinB.dn)).toEqual([]);
  });

  it('fails closed with AUTH_PROVIDER_UNAVAILABLE when the user search base does not exist', async () => {
    const ldap = provider(slapd(), {
      userSearch: { base: 'ou=nowhere,dc=example,dc=com', filter: userFilter },
    });
    const err = await rejection(
      ldap.authenticate(login('alice', users.alice.password)),
      'AUTH_PROVIDER_UNAVAILABLE',
    );
    expect(err.message).toMatch(/NoSuchObject|result 32/);
  });

  it('fails closed with AUTH_PROVIDER_UNAVAILABLE when the service account is rejected', async () => {
    const ldap = provider(slapd(), { bindPassword: 'wrong-service-password' });
    const err = await rejection(
      ldap.authenticate(login('alice', users.alice.password)),
      'AUTH_PROVIDER_UNAVAILABLE',
    );
    expect(err.message).toMatch(/service account/);
    expect(everythingIn(err)).not.toContain('wrong-service-password');
  });
});

describe('ldapProvider against slapd: names that need escaping', () => {
  for (const key of ['oneil', 'star', 'backslash', 'nul'] as const) {
    const seed = users[key];
    it(`logs in the real user ${JSON.stringify(seed.username)} (escaped exactly once)`, async () => {
      const { provider: ldap, spy } = spiedProvider(slapd());
      const principal = await ldap.authenticate(login(seed.username, seed.password));
      expect(principal.groups).toContain(groups.agents);
      expect(principal.roles).toContain('agent');
      expect(spy.binds(seed.dn)).toHaveLength(1);
      await rejection(
        ldap.authenticate(login(seed.username, `${seed.password}x`)),
        'AUTH_INVALID_CREDENTIALS',
      );
    });
  }
});

describe('ldapProvider against slapd: LDAP injection', () => {
  const attempts = [
    '*',
    '**',
    '*)(uid=*',
    'admin)(|(uid=*',
    'admin)(&',
    '*)(|(objectClass=*',
    'alice)(uid=*))(|(uid=*',
    '\\2a',
    'star\\2a',
    'al*',
    'alice\0',
    '\0',
    'alice\0)(uid=*',
    'o\\28neil\\29',
    'back\\5cslash',
  ];
  for (const username of attempts) {
    it(`never logs anyone in as ${JSON.stringify(username)} and matches nobody`, async () => {
      const { provider: ldap, spy } = spiedProvider(slapd());
      const mark = slapd().mark();
      for (const seed of [users.alice, users.admin, users.star, users.oneil]) {
        await rejection(ldap.authenticate(login(username, seed.password)), 'AUTH_INVALID_CREDENTIALS');
      }
      const userSearches = spy.searches();
      expect(userSearches.length).toBeGreaterThan(0);
      for (const search of userSearches) expect(search.results, search.filter).toBe(0);
      expect(spy.binds().filter((call) => call.dn !== service.dn && !absent.test(call.dn ?? ''))).toEqual([]);
      await settle();
      expect(userBinds(slapd().bindsSince(mark))).toEqual([]);
    });
  }
});

describe('ldapProvider against slapd: input refused before any bind', () => {
  const blank = ['', ' ', '   ', '\t', '\n', ' \r\n\t ', '\u00a0', '\u3000'];
  for (const password of blank) {
    it(`refuses the password ${JSON.stringify(password)} without touching the directory`, async () => {
      const { provider: ldap, spy } = spiedProvider(slapd());
      const mark = slapd().mark();
      const err = await rejection(ldap.authenticate(login('alice', password)), 'AUTH_INVALID_CREDENTIALS');
      expect(err.message).toMatch(/blank password refused before any bind/);
      expect(spy.calls).toEqual([]); // not even a connection
      await settle();
      expect(slapd().bindsSince(mark)).not.toContain(users.alice.dn);
    });
  }

  it('refuses overlong and malformed usernames and passwords without touching the directory', async () => {
    const { provider: ldap, spy } = spiedProvider(slapd(), {
      limits: { maxUsernameLength: 64, maxPasswordLength: 128 },
    });
    const refused = [
      login('a'.repeat(65), users.alice.password),
      login('alice', 'p'.repeat(129)),
      login('', users.alice.password),
      login('ali\uD800ce', users.alice.password),
      login('alice', `pw\uDC00`),
    ];
    for (const credentials of refused) {
      await rejection(ldap.authenticate(credentials), 'AUTH_INVALID_CREDENTIALS');
    }
    await rejection(ldap.authenticate({ kind: 'bearer', token: 'x.y.z' }), 'AUTH_INVALID_CREDENTIALS');
    expect(spy.calls).toEqual([]);
    // The defaults: 256 characters of username, 1024 of password.
    const defaults = spiedProvider(slapd());
    await rejection(defaults.provider.authenticate(login('a'.repeat(257), 'x')), 'AUTH_INVALID_CREDENTIALS');
    await rejection(
      defaults.provider.authenticate(login('alice', 'p'.repeat(1025))),
      'AUTH_INVALID_CREDENTIALS',
    );
    expect(defaults.spy.calls).toEqual([]);
  });
});

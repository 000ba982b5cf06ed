// ldapProvider safety nets with a scripted directory (no server): entries outside the base, bounded
// group resolution, a bounded pool, and foreign errors from a custom client.
import fc from 'fast-check';
import { AndFilter, EqualityFilter, FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { ldapProvider } from '../../src/ldap-provider.js';
import { entry, fakeDirectory } from './fake-directory.js';

const base = 'OU=Staff,DC=corp,DC=example';
const userDN = 'CN=Alice Liddell,OU=Staff,DC=corp,DC=example';
const serviceDN = 'CN=svc-secbot,OU=Service,DC=corp,DC=example';
const password = 'Correct-Horse-9!';

describe('ldapProvider safety nets (fake directory)', () => {
  it('refuses an entry outside userSearch.base, without binding as it', async () => {
    const directory = fakeDirectory({
      search: () => [entry('CN=Administrator,CN=Users,DC=corp,DC=example')],
    });
    const ldap = ldapProvider({
      url: 'ldaps://dc1.corp.example',
      bindDN: serviceDN,
      bindPassword: 'service-secret',
      userSearch: { base, filter: '(sAMAccountName={username})' },
      client: directory.client,
    });
    const err = await ldap
      .authenticate({ kind: 'password', username: 'alice', password })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
      message: expect.stringMatching(/not inside/),
    });
    expect(directory.binds).toEqual([serviceDN]);
    await ldap.close();
  });

  it('bounds nested group resolution on a huge directory', async () => {
    let counter = 0;
    const directory = fakeDirectory({
      search: (searchBase, options) =>
        searchBase === base
          ? [entry(userDN)]
          : Array.from({ length: Math.min(options.sizeLimit ?? 50, 50) }, () =>
              entry(`cn=g${counter++},ou=groups,dc=corp,dc=example`),
            ),
    });
    const ldap = ldapProvider({
      url: 'ldaps://dc1.corp.example',
      bindDN: serviceDN,
      bindPassword: 'service-secret',
      userSearch: { base, filter: '(sAMAccountName={username})' },
      groupSearch: { mode: 'member', base: 'ou=groups,dc=corp,dc=example', maxDepth: 20, maxGroups: 120 },
      client: directory.client,
    });
    const principal = await ldap.authenticate({ kind: 'password', username: 'alice', password });
    expect(principal.groups).toHaveLength(120);
    expect(directory.searches.length).toBeLessThan(20);
    await ldap.close();
  });

  it('waits a bounded time for a pooled connection, then fails closed', async () => {
    const directory = fakeDirectory({
      search: () => [entry(userDN)],
    });
    const slow = {
      async connect(url: string) {
        const connection = await directory.client.connect(url);
        return {
          ...connection,
          url,
          usable: true,
          search: async (...args: Parameters<typeof connection.search>) => {
            await new Promise((resolve) => setTimeout(resolve, 300));
            return connection.search(...args);
          },
        };
      },
    };
    const ldap = ldapProvider({
      url: 'ldaps://dc1.corp.example',
      bindDN: serviceDN,
      bindPassword: 'service-secret',
      userSearch: { base, filter: '(sAMAccountName={username})' },
      pool: { size: 1, acquireTimeoutMs: 50 },
      client: slow,
    });
    const credentials = { kind: 'password' as const, username: 'alice', password };
    const [first, second] = await Promise.allSettled([
      ldap.authenticate(credentials),
      ldap.authenticate(credentials),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({
      status: 'rejected',
      reason: {
        code: 'AUTH_PROVIDER_UNAVAILABLE',
        message: expect.stringMatching(/no pooled connection free/),
      },
    });
    await ldap.close();
  });

  it('sends any username as exactly one equality assertion, and never binds as a user for a non-match', async () => {
    const directory = fakeDirectory();
    const ldap = ldapProvider({
      url: 'ldaps://dc1.corp.example',
      bindDN: serviceDN,
      bindPassword: 'service-secret',
      userSearch: { base, filter: '(&(objectClass=user)(sAMAccountName={username}))' },
      client: directory.client,
    });
    const username = fc
      .string({
        unit: fc.constantFrom('*', '(', ')', '\\', '\0', 'a', '=', '|', '&', '!', ' ', 'é', '😀'),
        minLength: 1,
      })
      .filter((name) => name.length <= 256);
    await fc.assert(
      fc.asyncProperty(username, async (name) => {
        const before = directory.searches.length;
        const err = await ldap
          .authenticate({ kind: 'password', username: name, password })
          .catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
        const sent = directory.searches[before]?.options.filter ?? '';
        const parsed = FilterParser.parseString(sent);
        expect(parsed).toBeInstanceOf(AndFilter);
        const [objectClass, account, ...more] = (parsed as AndFilter).filters;
        expect(more).toEqual([]);
        expect(objectClass).toBeInstanceOf(EqualityFilter);
        expect(account).toBeInstanceOf(EqualityFilter);
        expect((account as EqualityFilter).value).toBe(name);
      }),
      { numRuns: 200 },
    );
    // the service account once (pooled); otherwise only the timing-equaliser binds as a DN that does
    // not exist, never as any user
    const [first, ...rest] = directory.binds;
    expect(first).toBe(serviceDN);
    expect(rest.length).toBeGreaterThan(0);
    for (const dn of rest) expect(dn).toMatch(/^cn=secbot-absent-[0-9a-f]{16},/);
    await ldap.close();
  });

  it('wraps whatever a custom client throws as AUTH_PROVIDER_UNAVAILABLE', async () => {
    const ldap = ldapProvider({
      url: 'ldaps://dc1.corp.example',
      bindDN: serviceDN,
      bindPassword: 'service-secret',
      userSearch: { base, filter: '(sAMAccountName={username})' },
      client: {
        connect: async () => {
          throw new TypeError('library bug');
        },
      },
    });
    const err = await ldap
      .authenticate({ kind: 'password', username: 'alice', password })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTH_PROVIDER_UNAVAILABLE' });
    await ldap.close();
  });
});

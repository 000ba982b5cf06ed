// Transport security against slapd: StartTLS and LDAPS with the test CA; an untrusted CA, a wrong
// name or the system roots fail before any password is sent; plain LDAP only when asked twice.
import { afterEach, describe, expect, it } from 'vitest';
import { ldapProvider } from '../../src/ldap-provider.js';
import { ldaptsDirectoryClient } from '../../src/ldapts-directory-client.js';
import {
  closeAll,
  everythingIn,
  provider,
  providerOptions,
  rejection,
  settle,
  spiedProvider,
} from './helpers.js';
import { service, users, useSlapd } from './slapd.js';

const slapd = useSlapd();
afterEach(closeAll);

const alice = () => ({ kind: 'password' as const, username: 'alice', password: users.alice.password });

describe('ldapProvider TLS against slapd', () => {
  it('upgrades ldap:// with StartTLS before any bind, verifying the test CA', async () => {
    const { provider: ldap, spy } = spiedProvider(slapd());
    const mark = slapd().mark();
    expect((await ldap.authenticate(alice())).id).toBe('uid=alice,ou=people,dc=example,dc=com');
    // Each connection: connect, StartTLS, then bind.
    const ops = spy.calls
      .filter((call) => call.op !== 'search' && call.op !== 'close')
      .map((call) => call.op);
    expect(ops).toEqual(['connect', 'startTLS', 'bind', 'connect', 'startTLS', 'bind']);
    await settle();
    const log = slapd().logSince(mark);
    expect(log.match(/TLS established/g)?.length).toBe(2);
  });

  it('logs in over ldaps:// (by name and by IP address) with the test CA', async () => {
    for (const url of [slapd().ldapsUrl, `ldaps://127.0.0.1:${slapd().ldapsPort}`]) {
      const { provider: ldap, spy } = spiedProvider(slapd(), { url });
      expect((await ldap.authenticate(alice())).roles).toContain('agent');
      expect(spy.calls.some((call) => call.op === 'startTLS')).toBe(false);
    }
  });

  const refusedTls: Array<
    [string, (url: { ldap: string; ldaps: string }) => Parameters<typeof provider>[1]]
  > = [
    ['StartTLS with an untrusted CA', ({ ldap }) => ({ url: ldap, tls: { ca: slapd().rogueCaPem } })],
    ['LDAPS with an untrusted CA', ({ ldaps }) => ({ url: ldaps, tls: { ca: slapd().rogueCaPem } })],
    ['StartTLS with the system roots only', ({ ldap }) => ({ url: ldap, tls: {} })],
    ['LDAPS with the system roots only', ({ ldaps }) => ({ url: ldaps, tls: {} })],
    [
      'LDAPS with a name the certificate lacks',
      ({ ldaps }) => ({ url: ldaps, tls: { ca: slapd().caPem, servername: 'ldap.evil.example' } }),
    ],
  ];
  for (const [name, options] of refusedTls) {
    it(`fails closed, sending no password, on ${name}`, async () => {
      const ldap = provider(slapd(), options({ ldap: slapd().ldapUrl, ldaps: slapd().ldapsUrl }));
      const mark = slapd().mark();
      const err = await rejection(ldap.authenticate(alice()), 'AUTH_PROVIDER_UNAVAILABLE');
      expect(err.message).toMatch(/certificate|altnames|self.signed|issuer/i);
      expect(everythingIn(err)).not.toContain(service.password);
      await settle();
      expect(slapd().bindsSince(mark)).toEqual([]);
    });
  }

  it('refuses plain ldap:// without insecure: true (CONFIG_INVALID), and uses it when insecure', async () => {
    const plain = { ...providerOptions(slapd()), tls: { startTLS: false } };
    let thrown: unknown;
    try {
      ldapProvider(plain);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'CONFIG_INVALID', issues: [{ path: 'insecure' }] });

    const { provider: ldap, spy } = spiedProvider(slapd(), { tls: { startTLS: false }, insecure: true });
    expect((await ldap.authenticate(alice())).roles).toContain('agent');
    expect(spy.calls.some((call) => call.op === 'startTLS')).toBe(false);
  });

  it('still uses StartTLS when insecure: true is set alone', async () => {
    const { provider: ldap, spy } = spiedProvider(slapd(), { insecure: true });
    await ldap.authenticate(alice());
    expect(spy.calls.filter((call) => call.op === 'startTLS')).toHaveLength(2);
  });

  it('has no way to turn certificate verification off', () => {
    expect(() => ldaptsDirectoryClient({ tls: { rejectUnauthorized: false as true } })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});

// Active Directory behaviour without a domain controller: the bind "data" codes, carried by real
// ldapts error objects, and nested groups through LDAP_MATCHING_RULE_IN_CHAIN.
import { isSecbotError, type SecbotErrorCode } from '@secbot/core';
import { BusyError, InvalidCredentialsError, UnwillingToPerformError } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { DirectoryError } from '../../src/directory-client.js';
import { classifyBindFailure } from '../../src/internal/ldap-bind-errors.js';
import { ldapProvider } from '../../src/ldap-provider.js';
import { toDirectoryError } from '../../src/ldapts-directory-client.js';
import { entry, fakeDirectory } from './fake-directory.js';
import { everythingIn } from './helpers.js';

const base = 'OU=Staff,DC=corp,DC=example';
const userDN = 'CN=Alice Liddell,OU=Staff,DC=corp,DC=example';
const serviceDN = 'CN=svc-secbot,OU=Service,DC=corp,DC=example';
const password = 'Correct-Horse-9!';

/** What a Windows Server DC says for a failed simple bind, with the given data code. */
const adDiagnostic = (data: string): string =>
  `80090308: LdapErr: DSID-0C090439, comment: AcceptSecurityContext error, data ${data}, v4563\u0000`;

const cases: Array<[data: string, code: SecbotErrorCode, detail: RegExp]> = [
  ['52e', 'AUTH_INVALID_CREDENTIALS', /wrong password \(AD data 52e\)/],
  ['525', 'AUTH_INVALID_CREDENTIALS', /no such user \(AD data 525\)/],
  ['530', 'AUTH_ACCOUNT_RESTRICTED', /not permitted at this time/],
  ['531', 'AUTH_ACCOUNT_RESTRICTED', /not permitted from this workstation/],
  ['532', 'AUTH_PASSWORD_EXPIRED', /password expired/],
  ['533', 'AUTH_ACCOUNT_DISABLED', /account disabled/],
  ['701', 'AUTH_ACCOUNT_EXPIRED', /account expired/],
  ['773', 'AUTH_PASSWORD_MUST_CHANGE', /must be changed/],
  ['775', 'AUTH_ACCOUNT_LOCKED', /locked out/],
  ['52f', 'AUTH_INVALID_CREDENTIALS', /AD data 52f/],
];

/** A provider over a fake AD whose user bind fails with `error` (a real ldapts error). */
function providerFailingWith(error: Error) {
  const directory = fakeDirectory({
    search: () => [entry(userDN, { samaccountname: ['alice'] })],
    bind: (dn) => {
      if (dn !== serviceDN) throw toDirectoryError(error, 'ldaps://dc1.corp.example', 'bind');
    },
  });
  return ldapProvider({
    url: 'ldaps://dc1.corp.example',
    bindDN: serviceDN,
    bindPassword: 'service-secret',
    userSearch: { base, filter: '(&(objectClass=user)(sAMAccountName={username}))' },
    client: directory.client,
  });
}

describe('Active Directory bind data codes', () => {
  for (const [data, code, detail] of cases) {
    it(`maps "data ${data}" in an InvalidCredentialsError to ${code}`, async () => {
      const ldapts = new InvalidCredentialsError(adDiagnostic(data));
      expect(ldapts.code).toBe(49);
      const directoryError = toDirectoryError(ldapts, 'ldaps://dc1.corp.example', 'bind');
      expect(directoryError).toBeInstanceOf(DirectoryError);
      expect(directoryError.kind).toBe('invalid-credentials');
      expect(classifyBindFailure(directoryError)).toMatchObject({
        code,
        detail: expect.stringMatching(detail),
      });

      const ldap = providerFailingWith(ldapts);
      const err = await ldap
        .authenticate({ kind: 'password', username: 'alice', password })
        .catch((e: unknown) => e);
      expect(isSecbotError(err, code)).toBe(true);
      if (!isSecbotError(err)) return;
      expect(err.message).toMatch(detail);
      expect(err.publicMessage).toBe('Authentication failed'); // never tells the caller why
      expect(err.status).toBe(401);
      expect(err.cause).toBeInstanceOf(DirectoryError);
      expect(everythingIn(err)).not.toContain(password);
      expect(everythingIn(err)).not.toContain('service-secret');
      await ldap.close();
    });
  }

  it('treats a 49 without a data code (OpenLDAP) as invalid credentials', () => {
    const error = toDirectoryError(new InvalidCredentialsError(''), 'ldap://x', 'bind');
    expect(classifyBindFailure(error)).toEqual({
      code: 'AUTH_INVALID_CREDENTIALS',
      detail: 'invalid credentials (result 49)',
    });
  });

  it('fails closed on other refusals, and treats busy as unavailable (so it fails over)', async () => {
    const unwilling = toDirectoryError(
      new UnwillingToPerformError('unauthenticated bind disallowed'),
      'ldap://x',
      'bind',
    );
    expect(unwilling.kind).toBe('rejected');
    expect(classifyBindFailure(unwilling).code).toBe('AUTH_INVALID_CREDENTIALS');
    const busy = toDirectoryError(new BusyError('busy'), 'ldap://x', 'bind');
    expect(busy.kind).toBe('unavailable');
    expect(classifyBindFailure(busy).code).toBe('AUTH_PROVIDER_UNAVAILABLE');
    const socket = toDirectoryError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'ldap://x',
      'bind',
    );
    expect(socket.kind).toBe('unavailable');
    expect(socket.message).toMatch(/ECONNREFUSED/);
  });
});

describe('Active Directory nested groups (LDAP_MATCHING_RULE_IN_CHAIN)', () => {
  it('asks the DC for transitive groups in one search, with the user DN escaped', async () => {
    const trickyDN = 'CN=O(Neil)\\, Pat*,OU=Staff,DC=corp,DC=example';
    const directory = fakeDirectory({
      search: (searchBase, options) =>
        searchBase === base
          ? [entry(trickyDN)]
          : options.filter.includes('1.2.840.113556.1.4.1941')
            ? [
                entry('CN=Agents,OU=Groups,DC=corp,DC=example'),
                entry('CN=All Staff,OU=Groups,DC=corp,DC=example'),
              ]
            : [],
    });
    const ldap = ldapProvider({
      url: 'ldaps://dc1.corp.example',
      bindDN: serviceDN,
      bindPassword: 'service-secret',
      userSearch: { base, filter: '(&(objectClass=user)(sAMAccountName={username}))' },
      groupSearch: { mode: 'activeDirectory', base: 'OU=Groups,DC=corp,DC=example' },
      roleMapping: { groups: { 'cn=all staff,ou=groups,dc=corp,dc=example': ['staff'] } },
      client: directory.client,
    });
    const principal = await ldap.authenticate({ kind: 'password', username: 'opat', password });
    expect(principal.roles).toEqual(['staff']);
    expect(principal.groups).toEqual([
      'CN=Agents,OU=Groups,DC=corp,DC=example',
      'CN=All Staff,OU=Groups,DC=corp,DC=example',
    ]);
    const groupSearch = directory.searches.find((search) => search.base !== base);
    expect(groupSearch?.options.filter).toBe(
      '(&(objectClass=group)(member:1.2.840.113556.1.4.1941:=CN=O\\28Neil\\29\\5c, Pat\\2a,OU=Staff,DC=corp,DC=example))',
    );
    expect(directory.searches).toHaveLength(2);
    await ldap.close();
  });

  it('uses objectGUID as the principal id in its AD string form', async () => {
    const guid = Uint8Array.from([
      0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    ]);
    const directory = fakeDirectory({
      search: () => [{ dn: userDN, attributes: {}, binary: { objectguid: [guid] } }],
    });
    const ldap = ldapProvider({
      url: 'ldaps://dc1.corp.example',
      bindDN: serviceDN,
      bindPassword: 'service-secret',
      userSearch: { base, filter: '(sAMAccountName={username})' },
      idAttribute: 'objectGUID',
      client: directory.client,
    });
    const principal = await ldap.authenticate({ kind: 'password', username: 'alice', password });
    expect(principal.id).toBe('00112233-4455-6677-8899-aabbccddeeff');
    expect(directory.searches[0]?.options.binaryAttributes).toEqual(['objectGUID']);
    await ldap.close();
  });
});

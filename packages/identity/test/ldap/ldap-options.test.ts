// ldapProvider options: misconfiguration fails at creation with CONFIG_INVALID naming the path.
import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { ldapProvider } from '../../src/ldap-provider.js';
import type { LdapProviderOptions } from '../../src/ldap-provider-options.js';
import { fakeDirectory } from './fake-directory.js';

const valid: LdapProviderOptions = {
  url: 'ldaps://ldap.example.com',
  bindDN: 'cn=svc,ou=system,dc=example,dc=com',
  bindPassword: 'Very-Secret-Service-Password',
  userSearch: {
    base: 'ou=people,dc=example,dc=com',
    filter: '(&(objectClass=inetOrgPerson)(uid={username}))',
  },
};

/** The paths CONFIG_INVALID names for `options` (throws if creation succeeds). */
function configPaths(options: unknown): string[] {
  try {
    ldapProvider(options as LdapProviderOptions);
  } catch (err) {
    if (!isSecbotError(err, 'CONFIG_INVALID')) throw err;
    expect(err.message).not.toContain('Very-Secret-Service-Password');
    return (err.issues ?? []).map((issue) => issue.path);
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('ldapProvider options', () => {
  it('accepts a minimal valid configuration (LDAPS) and one with StartTLS', async () => {
    await ldapProvider(valid).close();
    await ldapProvider({ ...valid, url: 'ldap://ldap.example.com:389' }).close();
    await ldapProvider({
      ...valid,
      url: undefined,
      urls: ['ldaps://a.example.com', 'ldap://b.example.com'],
    }).close();
  });

  it('needs exactly one of url and urls, with ldap/ldaps URLs without credentials, path or query', () => {
    expect(configPaths({ ...valid, url: undefined })).toContain('url');
    expect(configPaths({ ...valid, urls: ['ldaps://b.example.com'] })).toContain('url');
    for (const url of [
      'http://ldap.example.com',
      'ldaps://user:pw@ldap.example.com',
      'ldaps://ldap.example.com/dc=example,dc=com',
      'ldaps://ldap.example.com?uid',
      'ldaps://',
      'not a url',
    ]) {
      expect(configPaths({ ...valid, url }), url).toContain('url');
    }
    expect(configPaths({ ...valid, url: undefined, urls: [] })).toContain('urls');
  });

  it('refuses plain LDAP unless insecure: true', () => {
    expect(configPaths({ ...valid, url: 'ldap://ldap.example.com', tls: { startTLS: false } })).toEqual([
      'insecure',
    ]);
    expect(() =>
      ldapProvider({ ...valid, url: 'ldap://ldap.example.com', tls: { startTLS: false }, insecure: true }),
    ).not.toThrow();
    expect(configPaths({ ...valid, tls: { rejectUnauthorized: false } })).toEqual(['tls']);
  });

  it('checks the user filter template', () => {
    const template = (filter: string) =>
      configPaths({ ...valid, userSearch: { ...valid.userSearch, filter } });
    expect(template('(uid=alice)')).toEqual(['userSearch.filter']); // no {username}
    expect(template('(uid={username}')).toEqual(['userSearch.filter']); // unbalanced
    expect(template('({username}=x)')).toEqual(['userSearch.filter']); // not in a value position
    expect(template('(&(uid={username})(o={tenant}))')).toEqual(['userSearch.filter']); // unknown placeholder
    expect(template('uid={username}')).toEqual(['userSearch.filter']); // no parentheses
  });

  it('checks DNs, the service password, attributes and role mapping keys', () => {
    expect(configPaths({ ...valid, bindDN: 'not a dn' })).toEqual(['bindDN']);
    expect(configPaths({ ...valid, bindPassword: '   ' })).toEqual(['bindPassword']);
    expect(configPaths({ ...valid, userSearch: { ...valid.userSearch, base: '' } })).toEqual([
      'userSearch.base',
    ]);
    expect(configPaths({ ...valid, attributes: ['mail', 'userPassword'] })).toEqual(['attributes[1]']);
    expect(configPaths({ ...valid, attributes: ['mail)(x'] })).toEqual(['attributes[0]']);
    expect(configPaths({ ...valid, roleMapping: { groups: { agents: ['agent'] } } })).toEqual([
      'roleMapping.groups.agents',
    ]);
    expect(configPaths({ ...valid, groupSearch: { mode: 'member' } })).toEqual(['groupSearch.base']);
    expect(configPaths({ ...valid, groupSearch: { mode: 'memberOf', maxDepth: 0 } })).toEqual([
      'groupSearch.maxDepth',
    ]);
    expect(
      configPaths({ ...valid, groupSearch: { mode: 'member', base: 'ou=g,dc=x', filter: '(cn=a' } }),
    ).toEqual(['groupSearch.filter']);
    expect(configPaths({ ...valid, unknownOption: true })).toEqual(['']);
  });

  it('puts TLS settings on the custom client, not on the provider', () => {
    const { client } = fakeDirectory();
    expect(configPaths({ ...valid, client, tls: { ca: 'PEM' } })).toEqual(['tls']);
    expect(configPaths({ ...valid, client: { search: () => [] } })).toEqual(['client']);
  });
});

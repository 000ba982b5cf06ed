// DN normalisation and containment (unit tests; no server).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDnWithin, normalizeLdapDn, parseDn } from '../../src/ldap-dn.js';

describe('normalizeLdapDn', () => {
  it('makes different spellings of one DN equal', () => {
    const canonical = 'cn=agents,ou=groups,dc=example,dc=com';
    for (const spelling of [
      'CN=Agents,OU=Groups,DC=Example,DC=COM',
      'cn=agents, ou=groups, dc=example, dc=com',
      '  cn = agents ,ou=groups;dc=example,dc=com  ',
      'cn=\\61gents,ou=groups,dc=example,dc=com',
      'cn=agents  ,ou=groups,dc=example,dc=com',
    ]) {
      expect(normalizeLdapDn(spelling), spelling).toBe(canonical);
    }
  });

  it('decodes escapes and re-encodes them one way', () => {
    expect(normalizeLdapDn('uid=back\\5Cslash,ou=people')).toBe('uid=back\\5cslash,ou=people');
    expect(normalizeLdapDn('uid=back\\\\slash,ou=people')).toBe('uid=back\\5cslash,ou=people');
    expect(normalizeLdapDn('cn=Smith\\, John,ou=people')).toBe('cn=smith\\2c john,ou=people');
    expect(normalizeLdapDn('cn=Smith\\2C John,ou=people')).toBe('cn=smith\\2c john,ou=people');
    expect(normalizeLdapDn('uid=o(neil),ou=people')).toBe('uid=o(neil),ou=people');
    expect(normalizeLdapDn('cn=Jos\\C3\\A9,ou=people')).toBe('cn=josé,ou=people');
    expect(normalizeLdapDn('cn=\\#hash,ou=x')).toBe('cn=\\23hash,ou=x');
    expect(normalizeLdapDn('cn=nul\\00byte,ou=x')).toBe('cn=nul\\00byte,ou=x');
    expect(normalizeLdapDn('cn=#04024869,ou=x')).toBe('cn=#04024869,ou=x');
    expect(normalizeLdapDn('')).toBe('');
  });

  it('sorts the parts of a multi-valued RDN', () => {
    expect(normalizeLdapDn('uid=a+cn=B,ou=x')).toBe(normalizeLdapDn('CN=b + UID=a,ou=x'));
  });

  it('rejects malformed DNs', () => {
    for (const bad of [
      'cn',
      'cn=a,',
      ',cn=a',
      'cn=a,,dc=b',
      '=a',
      'c n=a',
      'cn=a\\',
      'cn=a\\zz',
      'cn="quoted"',
      'cn=\\ff\\fe',
    ]) {
      expect(parseDn(bad), bad).toBeUndefined();
      expect(() => normalizeLdapDn(bad)).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
    }
  });

  it('is idempotent and never throws anything but ARGUMENT_INVALID', () => {
    const part = fc.constantFrom(
      'a',
      'B',
      ' ',
      ',',
      '+',
      '=',
      '\\',
      '"',
      '#',
      ';',
      '<',
      '>',
      'é',
      '\\2c',
      '\\5C',
      'cn=',
      'ou=',
    );
    fc.assert(
      fc.property(fc.string({ unit: part, maxLength: 30 }), (text) => {
        const rdns = parseDn(text);
        if (rdns === undefined) return;
        const once = rdns.join(',');
        expect(normalizeLdapDn(once)).toBe(once);
      }),
    );
  });
});

describe('isDnWithin', () => {
  it('accepts the base itself and entries below it, compared normalised', () => {
    expect(isDnWithin('uid=alice,ou=People,dc=example,dc=com', 'ou=people,dc=example,dc=com')).toBe(true);
    expect(isDnWithin('ou=people,dc=example,dc=com', 'OU=People, DC=Example, DC=com')).toBe(true);
  });

  it('rejects entries elsewhere, look-alikes and malformed DNs', () => {
    expect(isDnWithin('uid=alice,ou=admins,dc=example,dc=com', 'ou=people,dc=example,dc=com')).toBe(false);
    expect(isDnWithin('uid=alice,ou=xpeople,dc=example,dc=com', 'ou=people,dc=example,dc=com')).toBe(false);
    expect(isDnWithin('uid=alice\\2cou=people,dc=example,dc=com', 'ou=people,dc=example,dc=com')).toBe(false);
    expect(isDnWithin('dc=com', 'ou=people,dc=example,dc=com')).toBe(false);
    expect(isDnWithin('uid=alice,', 'dc=com')).toBe(false);
  });
});

// The RFC 4515 escaper and the filter syntax check (unit tests; no server).
import fc from 'fast-check';
import { EqualityFilter, Filter, FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { ldapFilterSyntaxError } from '../../src/internal/ldap-filter-syntax.js';
import { escapeLdapFilterValue } from '../../src/ldap-filter.js';

/** RFC 4515 unescaping, written independently of the code under test. */
const unescapeValue = (value: string): string => {
  const bytes: number[] = [];
  for (let index = 0; index < value.length; ) {
    if (value[index] === '\\') {
      bytes.push(Number.parseInt(value.slice(index + 1, index + 3), 16));
      index += 3;
      continue;
    }
    const char = String.fromCodePoint(value.codePointAt(index) ?? 0);
    bytes.push(...Buffer.from(char, 'utf8'));
    index += char.length;
  }
  return Buffer.from(bytes).toString('utf8');
};

const specials = fc.constantFrom(
  '*',
  '(',
  ')',
  '\\',
  '\0',
  'a',
  'Z',
  '0',
  ' ',
  '=',
  '&',
  '|',
  '!',
  'é',
  '中',
  '😀',
);
const hostile = fc.oneof(
  fc.string({ unit: specials, maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

describe('escapeLdapFilterValue', () => {
  it('escapes exactly the five RFC 4515 specials', () => {
    expect(escapeLdapFilterValue('*')).toBe('\\2a');
    expect(escapeLdapFilterValue('(')).toBe('\\28');
    expect(escapeLdapFilterValue(')')).toBe('\\29');
    expect(escapeLdapFilterValue('\\')).toBe('\\5c');
    expect(escapeLdapFilterValue('\0')).toBe('\\00');
    expect(escapeLdapFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeLdapFilterValue('admin)(|(uid=*')).toBe('admin\\29\\28|\\28uid=\\2a');
    expect(escapeLdapFilterValue('\\2a')).toBe('\\5c2a');
    expect(escapeLdapFilterValue('o(neil)')).toBe('o\\28neil\\29');
    expect(escapeLdapFilterValue('José 中文 😀 = & | ! ~ > <')).toBe('José 中文 😀 = & | ! ~ > <');
    expect(escapeLdapFilterValue('')).toBe('');
  });

  it('agrees with ldapts Filter.escape on every string', () => {
    fc.assert(fc.property(hostile, (value) => escapeLdapFilterValue(value) === Filter.escape(value)));
  });

  it('round-trips: unescaping gives the input back, and nothing special is left unescaped', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const escaped = escapeLdapFilterValue(value);
        expect(escaped).not.toMatch(/[*()\0]|\\(?![0-9a-f]{2})/);
        expect(unescapeValue(escaped)).toBe(value);
      }),
    );
  });

  it('puts any value into a template as one equality assertion, which ldapts decodes back to the value', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const filter = `(uid=${escapeLdapFilterValue(value)})`;
        expect(ldapFilterSyntaxError(filter)).toBeUndefined();
        const parsed = FilterParser.parseString(filter);
        expect(parsed).toBeInstanceOf(EqualityFilter);
        expect((parsed as EqualityFilter).value).toBe(value);
      }),
    );
  });
});

describe('ldapFilterSyntaxError', () => {
  it('accepts well-formed filters', () => {
    for (const filter of [
      '(uid=alice)',
      '(&(objectClass=inetOrgPerson)(uid=x))',
      '(|(uid=a)(mail=a@example.com))',
      '(!(uid=a))',
      '(uid=*)',
      '(cn=a*b*c)',
      '(uidNumber>=1000)',
      '(cn~=alice)',
      '(member:1.2.840.113556.1.4.1941:=cn=x\\2cdc=y)',
      '(cn:dn:=people)',
      '(:dn:2.5.13.5:=x)',
      '(2.5.4.3=alice)',
      '(cn;lang-en=alice)',
      '(uid=\\2a\\28\\29\\5c\\00)',
    ]) {
      expect(ldapFilterSyntaxError(filter), filter).toBeUndefined();
    }
  });

  it('rejects malformed filters', () => {
    for (const filter of [
      '',
      'uid=alice',
      '(uid=alice',
      'uid=alice)',
      '(uid=alice))',
      '(uid=a)(uid=b)',
      '(&)',
      '(|uid=a)',
      '(uid=a(b)',
      '(uid=a\\2)',
      '(uid=a\\zz)',
      '(=alice)',
      '(u id=alice)',
      '(uid>=a*)',
      '(uid=a\0)',
      '(:=x)',
      '(:dn:=x)',
      `(uid=${'x'.repeat(5000)})`,
      `${'(!'.repeat(40)}(uid=a)${')'.repeat(40)}`,
    ]) {
      expect(ldapFilterSyntaxError(filter), JSON.stringify(filter)).toBeTypeOf('string');
    }
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('(', ')', '&', '|', '!', '=', '*', '\\', 'a', '0', ':', '>') }),
        (text) => {
          const result = ldapFilterSyntaxError(text);
          expect(result === undefined || typeof result === 'string').toBe(true);
        },
      ),
    );
  });
});

import { SecbotError } from '@secbot/core';

/**
 * The canonical form of an LDAP distinguished name (RFC 4514), for comparing DNs: attribute types
 * and values lower-cased, escapes decoded and re-encoded one way (`\2c`, `\5c`, ...), spaces around
 * separators and repeated spaces inside values dropped, the parts of a multi-valued RDN sorted.
 * Two spellings of one DN, such as `CN=Agents, OU=Groups,DC=example,DC=com` and
 * `cn=agents,ou=groups,dc=example,dc=com`, normalise to the same string.
 *
 * Values are compared case-insensitively, as the usual naming attributes (`cn`, `uid`, `ou`, `dc`)
 * are; a hex value (`#04...`) is kept as written, lower-cased.
 *
 * @param dn - A DN in RFC 4514 (or RFC 2253) string form.
 * @returns The normalised DN; normalising it again returns it unchanged.
 * @throws SecbotError `ARGUMENT_INVALID` when `dn` is not a valid DN.
 * @example
 * ```ts
 * import { normalizeLdapDn } from '@secbot/identity';
 *
 * normalizeLdapDn('CN=O\\2C Neil , OU=People,DC=Example,DC=com'); // 'cn=o\\2c neil,ou=people,dc=example,dc=com'
 * ```
 */
export function normalizeLdapDn(dn: string): string {
  const rdns = parseDn(dn);
  if (rdns === undefined)
    throw new SecbotError('ARGUMENT_INVALID', 'normalizeLdapDn: not a valid distinguished name');
  return rdns.join(',');
}

/**
 * Parse a DN into its normalised RDNs, most specific first.
 *
 * @param dn - A DN string.
 * @returns One normalised string per RDN (`cn=agents`, `ou=groups`, ...), or `undefined` when `dn`
 *   is malformed. The empty DN (the root) gives an empty list.
 */
export function parseDn(dn: string): string[] | undefined {
  if (typeof dn !== 'string' || dn.length > maxDnLength) return undefined;
  const parser = new DnParser(dn);
  try {
    return parser.parse();
  } catch {
    return undefined;
  }
}

/**
 * Whether `dn` is `base` or lies below it.
 *
 * @param dn - The DN of an entry.
 * @param base - A search base.
 * @returns `false` when either is malformed.
 */
export function isDnWithin(dn: string, base: string): boolean {
  const entry = parseDn(dn);
  const root = parseDn(base);
  if (entry === undefined || root === undefined || root.length > entry.length) return false;
  const offset = entry.length - root.length;
  return root.every((rdn, index) => entry[offset + index] === rdn);
}

/** Longest DN accepted, in characters. */
const maxDnLength = 8192;
const typePattern = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/;
const specials = ' "#+,;<=>\\';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

class DnParser {
  private at = 0;

  constructor(private readonly text: string) {}

  parse(): string[] {
    const rdns: string[] = [];
    this.skipSpaces();
    if (this.at === this.text.length) return rdns;
    for (;;) {
      const avas: string[] = [];
      for (;;) {
        avas.push(this.attributeTypeAndValue());
        if (this.text[this.at] !== '+') break;
        this.at += 1;
      }
      rdns.push(avas.sort().join('+'));
      if (this.at === this.text.length) return rdns;
      const separator = this.text[this.at];
      if (separator !== ',' && separator !== ';') throw new Error('expected a separator');
      this.at += 1;
    }
  }

  private attributeTypeAndValue(): string {
    this.skipSpaces();
    const equals = this.text.indexOf('=', this.at);
    if (equals === -1) throw new Error('missing "="');
    const type = this.text.slice(this.at, equals).trim().toLowerCase();
    if (!typePattern.test(type)) throw new Error('invalid attribute type');
    this.at = equals + 1;
    this.skipSpaces();
    const value = this.text[this.at] === '#' ? this.hexValue() : this.stringValue();
    this.skipSpaces();
    return `${type}=${value}`;
  }

  private hexValue(): string {
    const match = /^#((?:[0-9A-Fa-f]{2})+)/.exec(this.text.slice(this.at));
    if (match === null) throw new Error('invalid hex value');
    this.at += match[0].length;
    return match[0].toLowerCase();
  }

  private stringValue(): string {
    const bytes: number[] = [];
    let significant = 0; // bytes up to the last character that is not an unescaped space
    while (this.at < this.text.length) {
      const char = this.text[this.at] ?? '';
      if (char === ',' || char === ';' || char === '+') break;
      if (char === '"' || char === '\0') throw new Error('unescaped special character');
      if (char === '\\') {
        const pair = this.text.slice(this.at + 1, this.at + 3);
        const next = this.text[this.at + 1] ?? '';
        if (/^[0-9A-Fa-f]{2}$/.test(pair)) {
          bytes.push(Number.parseInt(pair, 16));
          this.at += 3;
        } else if (next !== '' && specials.includes(next)) {
          bytes.push(next.charCodeAt(0));
          this.at += 2;
        } else {
          throw new Error('invalid escape');
        }
        significant = bytes.length;
        continue;
      }
      const codePoint = this.text.codePointAt(this.at) ?? 0;
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) throw new Error('lone surrogate');
      const unit = String.fromCodePoint(codePoint);
      for (const byte of encoder.encode(unit)) bytes.push(byte);
      this.at += unit.length;
      if (char !== ' ') significant = bytes.length;
    }
    const value = utf8.decode(new Uint8Array(bytes.slice(0, significant)));
    return escapeValue(value.toLowerCase().replace(/ {2,}/g, ' ').trim());
  }

  private skipSpaces(): void {
    while (this.text[this.at] === ' ') this.at += 1;
  }
}

/** Escape a value the one canonical way: specials and controls as `\xx`, lower-case hex. */
function escapeValue(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f || ',+"\\<>;='.includes(char)) {
      out += `\\${code.toString(16).padStart(2, '0')}`;
    } else {
      out += char;
    }
  }
  if (out.startsWith('#')) out = `\\23${out.slice(1)}`;
  return out;
}

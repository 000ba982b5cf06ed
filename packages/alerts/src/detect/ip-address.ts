import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

const maxCached = 65_536;

/**
 * Whether `text` is a dotted quad already in canonical form (four parts 0-255, no leading zeros),
 * which groups as itself. A character loop: it runs on every address read, and beats a regular
 * expression by several times.
 */
export function isCanonicalIpv4(text: string): boolean {
  const length = text.length;
  if (length < 7 || length > 15) return false;
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= length; i++) {
    const code = i === length ? 46 : text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || value > 255) return false;
      parts += 1;
      value = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && value === 0) return false; // a leading zero
      value = value * 10 + (code - 48);
      digits += 1;
      if (digits > 3) return false;
    } else {
      return false;
    }
  }
  return parts === 4;
}

/** The group of values that are not addresses: they count together (fail closed), never apart. */
export const invalidAddress = 'invalid';

/** Parse an address (brackets and zone allowed); IPv4-mapped IPv6 becomes IPv4. */
function parseAddress(value: unknown): Address | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  const text = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (!ipaddr.isValid(text)) return undefined;
  const address = ipaddr.parse(text);
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/** A small memo that forgets everything when full (addresses repeat; a flood of new ones stays bounded). */
function memo<T>(compute: (value: string) => T): (value: string) => T {
  const cache = new Map<string, T>();
  return (value) => {
    let result = cache.get(value);
    if (result === undefined && !cache.has(value)) {
      result = compute(value);
      if (cache.size >= maxCached) cache.clear();
      cache.set(value, result);
    }
    return result as T;
  };
}

/**
 * How an address field is grouped: IPv4 as is, IPv6 by its network prefix (`2001:db8:1:2::/64`:
 * one subscriber usually holds a whole /64, so single IPv6 addresses would be trivial to rotate),
 * an IPv4-mapped IPv6 address as the IPv4 address, anything else as {@link invalidAddress}.
 *
 * @param ipv6Prefix - Prefix length for IPv6, 1 to 128.
 * @returns The grouping function; `undefined` and `null` give `undefined` (field absent).
 */
export function createIpGrouper(ipv6Prefix: number): (value: unknown) => string | undefined {
  const group = memo((text: string): string => {
    const address = parseAddress(text);
    if (address === undefined) return invalidAddress;
    if (address.kind() === 'ipv4') return address.toString();
    if (ipv6Prefix >= 128) return (address as ipaddr.IPv6).toRFC5952String();
    const parts = (address as ipaddr.IPv6).parts.map((part, index) => {
      const bits = Math.min(16, Math.max(0, ipv6Prefix - index * 16));
      return bits === 0 ? 0 : part & (0xffff << (16 - bits)) & 0xffff;
    });
    return `${new ipaddr.IPv6(parts).toRFC5952String()}/${ipv6Prefix}`;
  });
  return (value) => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return invalidAddress;
    return isCanonicalIpv4(value) ? value : group(value);
  };
}

/**
 * A test for "address inside one of these networks".
 *
 * @param cidrs - CIDR blocks or single addresses, already validated.
 * @returns The test; values that are not addresses are never inside.
 */
export function createCidrMatcher(cidrs: readonly string[]): (value: unknown) => boolean {
  const ranges = cidrs.map((text): [Address, number] => {
    if (ipaddr.isValidCIDR(text)) {
      const [address, bits] = ipaddr.parseCIDR(text);
      if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
        return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
      }
      return [address, bits];
    }
    const address = parseAddress(text) as Address;
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  });
  const inside = memo((text: string): boolean => {
    const address = parseAddress(text);
    if (address === undefined) return false;
    return ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  });
  return (value) => typeof value === 'string' && inside(value);
}

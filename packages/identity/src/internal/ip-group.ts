import { isIPv4, isIPv6 } from 'node:net';

/** The 8 hextets of a valid IPv6 address (already checked with `isIPv6`, zone removed). */
function hextets(address: string): number[] {
  let text = address;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // Embedded IPv4 (::ffff:192.0.2.1, 64:ff9b::192.0.2.1): two hextets.
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, lastColon + 1);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16));
  const gap = text.indexOf('::');
  let groups: number[];
  if (gap === -1) {
    groups = parse(text);
  } else {
    const head = parse(text.slice(0, gap));
    const rest = parse(text.slice(gap + 2));
    const missing = 8 - tail.length - head.length - rest.length;
    groups = [...head, ...new Array<number>(Math.max(0, missing)).fill(0), ...rest];
  }
  return [...groups, ...tail];
}

/**
 * The bucket a client address is counted in for per-address limits: an IPv4 address as is; an IPv6
 * address by its /64 prefix (one subscriber usually holds a whole /64 and can use any address in it,
 * so counting single IPv6 addresses would be trivially evaded); an IPv4-mapped IPv6 address as the
 * IPv4 address it maps.
 *
 * @param ip - The address, optionally in brackets and with a zone (`[fe80::1%eth0]`).
 * @returns `192.0.2.1`, `2001:db8:1:2::/64`, or `undefined` when it is not an IP address.
 */
export function ipGroup(ip: string): string | undefined {
  if (typeof ip !== 'string' || ip.length === 0 || ip.length > 100) return undefined;
  let address = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const zone = address.indexOf('%');
  if (zone !== -1) address = address.slice(0, zone);
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return undefined;
  const groups = hextets(address.toLowerCase());
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff))
    return undefined;
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = groups;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff) {
    return `${g >> 8}.${g & 0xff}.${h >> 8}.${h & 0xff}`;
  }
  return `${a.toString(16)}:${b.toString(16)}:${c.toString(16)}:${d.toString(16)}::/64`;
}

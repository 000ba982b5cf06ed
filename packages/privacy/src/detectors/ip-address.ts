import { isIP } from 'node:net';
import type { Detector, Finding } from '../finding.js';
import { boosted, isHexDigit, isWordAt } from './part2-text.js';

const name = 'ip-address';
// Longest run worth validating: a full IPv6 address with an embedded IPv4 is 45 characters.
const maxRun = 45;
const maxZone = 32;
const contextWords = [
  'ip',
  'ips',
  'ipv4',
  'ipv6',
  'address',
  'host',
  'server',
  'ping',
  'connect',
  'connecting',
  'from',
  'client',
];
const versionWords = ['version', 'ver', 'release', 'build', 'firmware', 'v'];

const isRunChar = (code: number): boolean => isHexDigit(code) || code === 58 || code === 46; // : .
const isZoneChar = (code: number): boolean =>
  isHexDigit(code) ||
  (code >= 65 && code <= 90) ||
  (code >= 97 && code <= 122) ||
  code === 95 ||
  code === 45 ||
  code === 46;

/**
 * A detector of IP addresses (type `IP_ADDRESS`): IPv4 in dotted-quad form and IPv6 in every
 * form `node:net` accepts (compressed `::`, IPv4-mapped `::ffff:192.0.2.1`, zone ids `fe80::1%eth0`).
 *
 * The text is cut into maximal runs of hex digits, `:` and `.` (one pass, each character visited
 * once), and each run of at most 45 characters is validated with `isIP`, so the scan is linear.
 * A trailing sentence `.` or `:` and an IPv4 `:port` suffix are tolerated.
 *
 * Not reported, by design: IPv4 with leading zeros (`010.0.0.1`, ambiguous octal) or a part above
 * 255; a run glued to a letter or `_` (`v1.2.3.4`, `abc1.2.3.4`); a dotted quad within 12
 * characters after a version word (`version 10.0.0.1`, `build 1.2.3.4`: version strings, not
 * addresses); runs of five or more dotted numbers (OIDs, versions); IPv6 runs without a single
 * digit (`dead::beef`, `abc::def` read as code or words). Confidence 0.7 (IPv4) or 0.75 (IPv6),
 * raised by 0.2 near `ip`, `address`, `host`, `server` and the like.
 *
 * @returns The detector.
 * @example
 * ```ts
 * import { ipAddressDetector, scanText } from '@secbot/privacy';
 *
 * scanText('server at 10.0.0.12 is down', [ipAddressDetector()]);
 * // [{ type: 'IP_ADDRESS', start: 10, end: 19, confidence: 0.9, detector: 'ip-address' }]
 * ```
 */
export function ipAddressDetector(): Detector {
  return {
    name,
    types: ['IP_ADDRESS'],
    scan(text, context) {
      const found: Finding[] = [];
      let i = 0;
      while (i < text.length) {
        if (!isRunChar(text.charCodeAt(i))) {
          i++;
          continue;
        }
        const start = i;
        let colons = 0;
        let dots = 0;
        while (i < text.length && isRunChar(text.charCodeAt(i))) {
          const code = text.charCodeAt(i);
          if (code === 58) colons++;
          else if (code === 46) dots++;
          i++;
        }
        const end = i;
        // Cheap filters first: an address has 3 dots or 2 colons (`::1`) and fits in maxRun.
        if ((dots < 3 && colons < 2) || end - start > maxRun) continue;
        if (isWordAt(text, start - 1) || text.charCodeAt(start - 1) === 37) continue;
        const hit = classify(text, start, end);
        if (hit === undefined) continue;
        let stop = hit.end;
        if (hit.version === 6 && stop === end && text.charCodeAt(stop) === 37) {
          // A zone id: `%` then a bounded interface name.
          let zone = stop + 1;
          while (zone < text.length && zone - stop <= maxZone && isZoneChar(text.charCodeAt(zone))) zone++;
          if (zone > stop + 1) stop = zone;
          i = stop;
        }
        if (isWordAt(text, stop)) continue;
        if (hit.version === 4 && context.near(start, stop, versionWords, 12)) continue;
        const base = hit.version === 4 ? 0.7 : 0.75;
        found.push({
          type: 'IP_ADDRESS',
          start,
          end: stop,
          confidence: boosted(base, 0.2, context.near(start, stop, contextWords)),
          detector: name,
        });
      }
      return found;
    },
  };
}

interface Hit {
  readonly end: number;
  readonly version: 4 | 6;
}

// The address at the start of the run [start, end), if the run (less a trailing `.`/`:`, or an
// IPv4 `:port`) is one.
function classify(text: string, start: number, end: number): Hit | undefined {
  const run = text.slice(start, end);
  const direct = version(run);
  if (direct !== undefined) return { end, version: direct };
  const last = run.charCodeAt(run.length - 1);
  if ((last === 46 || last === 58) && !run.endsWith('::')) {
    const trimmed = version(run.slice(0, -1));
    if (trimmed !== undefined) return { end: end - 1, version: trimmed };
  }
  const colon = run.indexOf(':');
  if (colon > 0 && run.indexOf(':', colon + 1) === -1 && /^\d{1,5}\.?$/.test(run.slice(colon + 1))) {
    if (version(run.slice(0, colon)) === 4) return { end: start + colon, version: 4 };
  }
  return undefined;
}

function version(candidate: string): 4 | 6 | undefined {
  const kind = isIP(candidate);
  if (kind === 4) return 4;
  if (kind === 6 && /\d/.test(candidate)) return 6;
  return undefined;
}

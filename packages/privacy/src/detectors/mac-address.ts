import type { Detector, Finding } from '../finding.js';
import { boosted } from './part2-text.js';

const name = 'mac-address';
const contextWords = ['mac', 'hardware', 'ethernet', 'wifi', 'wi-fi', 'bssid', 'device', 'nic'];
// Fixed-length forms only (every quantifier bounded, no nesting), so the scan is linear. The
// lookarounds reject a match glued to more hex digits or separators (part of a longer sequence).
const pattern =
  /(?<![0-9A-Za-z_:.-])(?:[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![0-9A-Za-z_]|[:-][0-9A-Fa-f]|\.[0-9A-Fa-f])/g;

/**
 * A detector of MAC (EUI-48) addresses (type `MAC_ADDRESS`) in the colon (`00:1a:2b:3c:4d:5e`),
 * dash (`00-1A-2B-3C-4D-5E`) and Cisco dot (`001a.2b3c.4d5e`) forms. Mixed separators and
 * sequences longer than six groups (EUI-64, IPv6, hex dumps) are not reported. Confidence 0.8
 * (colon and dash forms) or 0.6 (dot form), raised by 0.15 near `mac`, `device`, `wifi` and the
 * like.
 *
 * @returns The detector.
 * @example
 * ```ts
 * import { macAddressDetector, scanText } from '@secbot/privacy';
 *
 * scanText('my laptop is 3c:22:fb:7a:01:9e', [macAddressDetector()]);
 * // [{ type: 'MAC_ADDRESS', start: 13, end: 30, confidence: 0.8, detector: 'mac-address' }]
 * ```
 */
export function macAddressDetector(): Detector {
  return {
    name,
    types: ['MAC_ADDRESS'],
    scan(text, context) {
      const found: Finding[] = [];
      for (const match of text.matchAll(pattern)) {
        const start = match.index;
        const end = start + match[0].length;
        const base = match[1] === undefined ? 0.6 : 0.8;
        found.push({
          type: 'MAC_ADDRESS',
          start,
          end,
          confidence: boosted(base, 0.15, context.near(start, end, contextWords)),
          detector: name,
        });
      }
      return found;
    },
  };
}

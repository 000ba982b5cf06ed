import { describe, expect, it } from 'vitest';
import { macAddressDetector } from '../../../src/detectors/mac-address.js';
import { scanText } from '../../../src/scan-text.js';
import { found, texts } from './helpers.js';

const mac = macAddressDetector();

describe('macAddressDetector', () => {
  it('reports colon, dash and dot forms with exact spans', () => {
    const text = 'my laptop is 3c:22:fb:7a:01:9e.';
    expect(scanText(text, [mac])).toEqual([
      { type: 'MAC_ADDRESS', start: 13, end: 30, confidence: 0.8, detector: 'mac-address' },
    ]);
    expect(found(mac, 'the MAC is 00-1A-2B-3C-4D-5E')).toEqual([['MAC_ADDRESS', '00-1A-2B-3C-4D-5E', 0.95]]);
    expect(found(mac, 'switch shows 001a.2b3c.4d5e')).toEqual([['MAC_ADDRESS', '001a.2b3c.4d5e', 0.6]]);
  });

  it('does not report mixed separators, longer sequences, IPv6 or non-hex', () => {
    expect(texts(mac, '00:1a-2b:3c:4d:5e')).toEqual([]);
    expect(texts(mac, '00:1a:2b:3c:4d:5e:6f:70 (EUI-64)')).toEqual([]);
    expect(texts(mac, 'x00:1a:2b:3c:4d:5e 00:1a:2b:3c:4d:5ez')).toEqual([]);
    expect(texts(mac, 'fe80::1a:2b:3c:4d and 0g:1a:2b:3c:4d:5e')).toEqual([]);
    expect(texts(mac, '001a.2b3c.4d5e.6f70')).toEqual([]);
  });
});

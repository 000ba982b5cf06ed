import { describe, expect, it } from 'vitest';
import { ipAddressDetector } from '../../../src/detectors/ip-address.js';
import { scanText } from '../../../src/scan-text.js';
import { found, texts } from './helpers.js';

const ip = ipAddressDetector();

describe('ipAddressDetector', () => {
  it('reports an IPv4 address in a chat sentence with its exact span and context boost', () => {
    const text = 'The server at 192.168.1.20 is down again.';
    expect(scanText(text, [ip])).toEqual([
      { type: 'IP_ADDRESS', start: 14, end: 26, confidence: 0.9, detector: 'ip-address' },
    ]);
    expect(found(ip, 'try 8.8.8.8 please')).toEqual([['IP_ADDRESS', '8.8.8.8', 0.7]]);
  });

  it('drops sentence punctuation and an IPv4 port, keeps the address', () => {
    expect(texts(ip, 'ping 10.0.0.1.')).toEqual(['10.0.0.1']);
    expect(texts(ip, 'connect to 127.0.0.1:8080 now')).toEqual(['127.0.0.1']);
    expect(texts(ip, 'hosts: 10.1.1.1, 10.1.1.2; (172.16.0.9)')).toEqual([
      '10.1.1.1',
      '10.1.1.2',
      '172.16.0.9',
    ]);
  });

  it('reports IPv6 in full, compressed, IPv4-mapped and zoned forms', () => {
    expect(texts(ip, 'addr 2001:0db8:85a3:0000:0000:8a2e:0370:7334 ok')).toEqual([
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    ]);
    expect(texts(ip, 'use 2001:db8::1 or ::1 or fe80::1ff:fe23:4567:890a')).toEqual([
      '2001:db8::1',
      '::1',
      'fe80::1ff:fe23:4567:890a',
    ]);
    expect(texts(ip, 'mapped ::ffff:192.0.2.128 here')).toEqual(['::ffff:192.0.2.128']);
    expect(texts(ip, 'link-local fe80::1%eth0 and [2001:db8::7]:443')).toEqual([
      'fe80::1%eth0',
      '2001:db8::7',
    ]);
    expect(found(ip, 'my IPv6 is 2001:db8::1')).toEqual([['IP_ADDRESS', '2001:db8::1', 0.95]]);
  });

  it('does not report invalid or ambiguous dotted numbers', () => {
    expect(texts(ip, '256.1.1.1 1.2.3 010.0.0.1 1.2.3.4.5 1.2.3.04')).toEqual([]);
    expect(texts(ip, 'v1.2.3.4 abc1.2.3.4 1.2.3.4x x_1.2.3.4')).toEqual([]);
  });

  it('does not report version strings (decided: a version word within 12 characters)', () => {
    expect(texts(ip, 'upgrade to version 10.0.0.1 today')).toEqual([]);
    expect(texts(ip, 'firmware 2.1.0.3 released')).toEqual([]);
  });

  it('does not report times, MAC addresses, C++ scopes or hex words', () => {
    expect(texts(ip, 'at 10:30:00, std::vector, dead::beef, 00:1a:2b:3c:4d:5e, 1:2:3')).toEqual([]);
  });
});

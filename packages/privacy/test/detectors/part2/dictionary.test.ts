import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { dictionaryDetector } from '../../../src/detectors/dictionary.js';
import { scanText } from '../../../src/scan-text.js';
import { found, scanMillis, texts } from './helpers.js';

const projects = dictionaryDetector({
  name: 'projects',
  type: 'PROJECT_NAME',
  terms: ['Blue Falcon', 'Falcon', 'Red Fox', 'he', 'she', 'hers'],
});

function refusal(options: object): string {
  try {
    dictionaryDetector(options as never);
  } catch (error) {
    return isSecbotError(error, 'CONFIG_INVALID') ? error.message : 'wrong error';
  }
  return 'accepted';
}

describe('dictionaryDetector', () => {
  it('reports terms with exact spans, case-insensitively, preferring the longest', () => {
    expect(scanText('status of blue falcon?', [projects])).toEqual([
      { type: 'PROJECT_NAME', start: 10, end: 21, confidence: 0.7, detector: 'projects' },
    ]);
    expect(texts(projects, 'RED FOX and Falcon; she said hers')).toEqual([
      'RED FOX',
      'Falcon',
      'she',
      'hers',
    ]);
  });

  it('honours whole words, falling back to a shorter term that is one', () => {
    expect(texts(projects, 'falcons theme ushers')).toEqual([]);
    const cities = dictionaryDetector({ name: 'c', type: 'CITY', terms: ['york', 'new york'] });
    expect(texts(cities, 'newyork and new york')).toEqual(['new york']);
    const loose = dictionaryDetector({ name: 'l', type: 'L', terms: ['he'], wholeWords: false });
    expect(texts(loose, 'the hero')).toEqual(['he', 'he']);
  });

  it('can match case-sensitively', () => {
    const exact = dictionaryDetector({ name: 'e', type: 'E', terms: ['Acme'], caseSensitive: true });
    expect(texts(exact, 'acme Acme ACME')).toEqual(['Acme']);
  });

  it('keeps spans exact when lower-casing would change the length (U+0130)', () => {
    const turkish = dictionaryDetector({ name: 't', type: 'T', terms: ['istanbul'] });
    expect(found(turkish, 'İİ istanbul')).toEqual([['T', 'istanbul', 0.7]]);
  });

  it('refuses blank, overlong and too many terms without quoting them', () => {
    const base = { name: 'd', type: 'D' };
    expect(refusal({ ...base, terms: [] })).toContain('terms');
    expect(refusal({ ...base, terms: ['  '] })).toContain('blank');
    expect(refusal({ ...base, terms: [`secret-${'x'.repeat(300)}`] })).not.toContain('secret-');
    expect(refusal({ ...base, terms: Array.from({ length: 10_001 }, (_, i) => `t${i}`) })).toContain('10000');
    expect(refusal({ ...base, terms: ['a'], type: 'bad' })).toContain('type');
  });

  it('scans 100 KB in under 50 ms with thousands of overlapping terms', () => {
    const terms = Array.from({ length: 2000 }, (_, i) => `${'a'.repeat(1 + (i % 200))}b${i}`);
    const many = dictionaryDetector({ name: 'm', type: 'M', terms, wholeWords: false });
    expect(scanMillis(many, 'a'.repeat(100_000))).toBeLessThan(50);
    expect(scanMillis(many, 'ab1 '.repeat(25_000))).toBeLessThan(50);
  });
});

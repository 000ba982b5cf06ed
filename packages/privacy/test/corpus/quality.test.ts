import { describe, expect, it } from 'vitest';
import { builtinDetectors, createPrivacy } from '../../src/index.js';
import { evaluate, formatTable, loadCorpus, precision, recall } from './quality.js';

const corpus = loadCorpus();
const privacy = createPrivacy({ detectors: builtinDetectors({ phoneCountries: ['US', 'GB'] }) });
const report = evaluate(corpus, (text) => privacy.scan(text));
const gated = ['CREDIT_CARD', 'EMAIL', 'IBAN', 'US_SSN', 'PHONE'] as const;

describe('labelled corpus', () => {
  it('is large, labelled with in-range spans, and holds every gated type', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(new Set(corpus.map((message) => message.id)).size).toBe(corpus.length);
    for (const message of corpus) {
      for (const expected of message.expected) {
        expect(message.text.slice(expected.start, expected.end)).toBe(expected.value);
      }
    }
    const counts = new Map<string, number>();
    for (const message of corpus)
      for (const e of message.expected) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    for (const type of gated) expect(counts.get(type) ?? 0).toBeGreaterThanOrEqual(40);
    expect(corpus.filter((message) => message.expected.length === 0).length).toBeGreaterThanOrEqual(40);
  });

  it('scores exact matches as true positives and near misses as errors', () => {
    const message = {
      id: 'm',
      domain: 'banking' as const,
      text: 'card 4111 1111 1111 1111 mail a@b.co',
      expected: [
        { type: 'CREDIT_CARD', start: 5, end: 24, value: '4111 1111 1111 1111' },
        { type: 'EMAIL', start: 30, end: 36, value: 'a@b.co' },
      ],
    };
    const scored = evaluate([message], () => [
      { type: 'CREDIT_CARD', start: 5, end: 24, confidence: 1, detector: 'x' },
      { type: 'EMAIL', start: 31, end: 36, confidence: 1, detector: 'x' },
      { type: 'PHONE', start: 0, end: 4, confidence: 1, detector: 'x' },
    ]);
    expect(scored.scores.get('CREDIT_CARD')).toEqual({ tp: 1, fp: 0, fn: 0, partial: 0 });
    expect(scored.scores.get('EMAIL')).toEqual({ tp: 0, fp: 1, fn: 1, partial: 1 });
    expect(scored.scores.get('PHONE')).toEqual({ tp: 0, fp: 1, fn: 0, partial: 0 });
  });

  it('prints precision and recall per type, with every mistake', () => {
    console.log(`\nprivacy quality over ${corpus.length} messages\n${formatTable(report.scores)}`);
    for (const mistake of report.mistakes) {
      console.log(
        `  ${mistake.kind} ${mistake.type} "${mistake.value}" in ${mistake.id}: ${JSON.stringify(mistake.text)}`,
      );
    }
    expect(report.scores.size).toBeGreaterThan(0);
  });

  for (const type of gated) {
    it(`${type}: recall >= 0.98 and precision >= 0.95`, () => {
      const score = report.scores.get(type);
      expect(score).toBeDefined();
      if (score === undefined) return;
      const misses = report.mistakes
        .filter((mistake) => mistake.type === type)
        .map((x) => `${x.kind}: ${x.value}`);
      expect({ recall: recall(score) >= 0.98, misses }).toEqual({ recall: true, misses: expect.any(Array) });
      expect({ precision: precision(score) >= 0.95, misses }).toEqual({
        precision: true,
        misses: expect.any(Array),
      });
    });
  }
});

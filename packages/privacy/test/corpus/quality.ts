// Precision and recall of scan results against the labelled corpus. A finding is a true
// positive when its type and span equal an expected one's exactly. A finding of the right type
// that overlaps an expected span without matching it (a partial match) counts twice against the
// detector, as a false positive and a false negative, and is also counted in `partial` so a
// span-boundary bug is told apart from a miss.
import { readFileSync } from 'node:fs';
import type { Finding } from '../../src/index.js';
import type { ExpectedFinding, LabelledMessage } from './labelled.js';

/** Counts for one type. */
export interface TypeScore {
  tp: number;
  fp: number;
  fn: number;
  partial: number;
}

/** One wrong or missing finding, for the report. */
export interface Mistake {
  readonly kind: 'false positive' | 'false negative';
  readonly id: string;
  readonly type: string;
  readonly value: string;
  readonly text: string;
}

/** Scores per type and every mistake. */
export interface QualityReport {
  readonly scores: Map<string, TypeScore>;
  readonly mistakes: Mistake[];
}

/** Read corpus.jsonl. */
export function loadCorpus(): LabelledMessage[] {
  const raw = readFileSync(new URL('./corpus.jsonl', import.meta.url), 'utf8');
  return raw
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LabelledMessage);
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
  a.start < b.end && b.start < a.end;

/** Score `scan` over `corpus`. */
export function evaluate(
  corpus: readonly LabelledMessage[],
  scan: (text: string) => Finding[],
): QualityReport {
  const scores = new Map<string, TypeScore>();
  const score = (type: string): TypeScore => {
    let entry = scores.get(type);
    if (entry === undefined) {
      entry = { tp: 0, fp: 0, fn: 0, partial: 0 };
      scores.set(type, entry);
    }
    return entry;
  };
  const mistakes: Mistake[] = [];
  for (const message of corpus) {
    const found = scan(message.text);
    const matched = new Set<ExpectedFinding>();
    for (const finding of found) {
      const exact = message.expected.find(
        (e) =>
          !matched.has(e) && e.type === finding.type && e.start === finding.start && e.end === finding.end,
      );
      if (exact !== undefined) {
        matched.add(exact);
        score(finding.type).tp++;
        continue;
      }
      score(finding.type).fp++;
      if (message.expected.some((e) => e.type === finding.type && overlaps(e, finding)))
        score(finding.type).partial++;
      const value = message.text.slice(finding.start, finding.end);
      mistakes.push({
        kind: 'false positive',
        id: message.id,
        type: finding.type,
        value,
        text: message.text,
      });
    }
    for (const expected of message.expected) {
      if (matched.has(expected)) continue;
      score(expected.type).fn++;
      mistakes.push({
        kind: 'false negative',
        id: message.id,
        type: expected.type,
        value: expected.value,
        text: message.text,
      });
    }
  }
  return { scores, mistakes };
}

/** tp / (tp + fp), 1 when nothing was reported. */
export const precision = (s: TypeScore): number => (s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp));
/** tp / (tp + fn), 1 when nothing was expected. */
export const recall = (s: TypeScore): number => (s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn));

/** The per-type table, one line per type, sorted by name. */
export function formatTable(scores: ReadonlyMap<string, TypeScore>): string {
  const rows = [...scores.entries()].sort(([a], [b]) => a.localeCompare(b));
  const header = `${'type'.padEnd(16)}${['tp', 'fp', 'fn', 'partial'].map((h) => h.padStart(8)).join('')}  precision  recall`;
  const lines = rows.map(
    ([type, s]) =>
      `${type.padEnd(16)}${[s.tp, s.fp, s.fn, s.partial].map((n) => String(n).padStart(8)).join('')}  ${precision(s).toFixed(3).padStart(9)}  ${recall(s).toFixed(3).padStart(6)}`,
  );
  return [header, ...lines].join('\n');
}

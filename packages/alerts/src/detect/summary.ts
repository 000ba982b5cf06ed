import type { AlertSample, DetectionEvent } from '../alert.js';
import { oneLine } from '../render.js';
import { compilePath, type FieldReader } from './field-path.js';
import { boundValue } from './group-key.js';
import type { SampleRedactor } from './sample.js';

/** Longest summary. */
export const maxSummaryLength = 500;

/** The facts a summary template can name besides event fields. */
export interface SummaryFacts {
  /** The alert's count. */
  readonly count: number;
  /** The alert's group key. */
  readonly groupKey: string;
}

const placeholder = /\{\{\s*([A-Za-z0-9_$.-]{1,128})\s*\}\}/g;
const special = new Set(['$count', '$groupKey', '$ruleId', '$title']);

/**
 * Compile a summary template once: `{{path}}` reads the latest event (own properties only),
 * `{{$count}}`, `{{$groupKey}}`, `{{$ruleId}}` and `{{$title}}` the alert. Event values are bounded,
 * flattened to one line and passed through `redact` (as one sample of the named fields); missing
 * or redacted-away values read `?`.
 *
 * @param template - The rule's template.
 * @param rule - The rule's id and title.
 * @param redact - The detector's sample redactor.
 * @returns A function building the summary.
 */
export function compileSummary(
  template: string,
  rule: { readonly id: string; readonly title: string },
  redact: SampleRedactor | undefined,
): (event: DetectionEvent, facts: SummaryFacts) => string {
  const literals: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const found of template.matchAll(placeholder)) {
    literals.push(template.slice(last, found.index));
    names.push(found[1] as string);
    last = found.index + found[0].length;
  }
  literals.push(template.slice(last));
  const readers = new Map<string, FieldReader>();
  for (const name of names) if (!special.has(name)) readers.set(name, compilePath(name));
  return (event, facts) => {
    let values: AlertSample = {};
    if (readers.size > 0) {
      const read: Record<string, string> = {};
      for (const [name, reader] of readers) {
        const value = boundValue(reader(event));
        if (value !== undefined) read[name] = oneLine(value, 128);
      }
      values = redact === undefined ? read : redact(read);
    }
    let text = literals[0] ?? '';
    names.forEach((name, index) => {
      let value: unknown;
      if (name === '$count') value = facts.count;
      else if (name === '$groupKey') value = facts.groupKey === '' ? 'all' : facts.groupKey;
      else if (name === '$ruleId') value = rule.id;
      else if (name === '$title') value = rule.title;
      else value = Object.hasOwn(values, name) ? values[name] : undefined;
      text += `${value === undefined || value === null ? '?' : oneLine(String(value), 256)}${literals[index + 1] ?? ''}`;
    });
    return oneLine(text, maxSummaryLength);
  };
}

// The corpus format and the tagged template that writes labelled messages: every interpolated
// value is a labelled piece of personal data, and its exact span is recorded as the text is built.

/** One expected finding: its type, exact span and the substring it covers (for reading). */
export interface ExpectedFinding {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

/** One line of corpus.jsonl. */
export interface LabelledMessage {
  readonly id: string;
  readonly domain: 'banking' | 'health' | 'government';
  readonly text: string;
  readonly expected: readonly ExpectedFinding[];
}

/** A labelled value to interpolate. */
export interface Pii {
  readonly type: string;
  readonly value: string;
}

/** A message before it gets an id. */
export type Draft = Omit<LabelledMessage, 'id' | 'domain'>;

/** Label `value` as `type`. */
export const pii = (type: string, value: string): Pii => ({ type, value });

/**
 * Tagged template: literal parts are plain text (expected to hold nothing), interpolated
 * {@link Pii} values are expected findings, interpolated strings are unlabelled text.
 */
export function m(strings: TemplateStringsArray, ...values: readonly (Pii | string)[]): Draft {
  let text = strings[0] ?? '';
  const expected: ExpectedFinding[] = [];
  values.forEach((value, index) => {
    if (typeof value === 'string') text += value;
    else {
      expected.push({
        type: value.type,
        start: text.length,
        end: text.length + value.value.length,
        value: value.value,
      });
      text += value.value;
    }
    text += strings[index + 1] ?? '';
  });
  return { text, expected };
}

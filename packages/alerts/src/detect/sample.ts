import type { AlertSample, DetectionEvent } from '../alert.js';
import { oneLine } from '../render.js';
import { compilePath, type FieldReader } from './field-path.js';

/** A function applied to each sample and to summary values before they leave the detector. */
export type SampleRedactor = (sample: AlertSample) => AlertSample;

/** Longest string kept in a sample or a summary value. */
export const maxSampleString = 128;

/**
 * The only fields ever copied into samples: identifiers and codes, never free text (message
 * bodies, details, summaries) and never credentials.
 */
export const sampleFields = [
  'type',
  'ts',
  'actor.id',
  'tenantId',
  'ip',
  'username',
  'permission',
  'reason',
  'code',
  'requestId',
  'channel',
  'target.type',
  'target.id',
  'jti',
  'role',
  'subject.id',
  'provider',
  'method',
  'scope',
  'ruleId',
  'groupKey',
  'changeId',
  'keyId',
  'seq',
  'source',
  'conversationId',
  'direction',
] as const;

/** Whether `oneLine` would leave `text` as it is: no control characters or line separators. */
function isFlat(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return false;
  }
  return true;
}

/**
 * A flat, bounded copy of a scalar: strings on one line and cut, finite numbers, booleans.
 *
 * @returns The value, or `undefined` for anything else (objects, arrays, `NaN`, absent).
 */
export function sampleValue(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string')
    return value.length <= maxSampleString && isFlat(value)
      ? value
      : oneLine(
          value.length > 4 * maxSampleString ? value.slice(0, 4 * maxSampleString) : value,
          maxSampleString,
        );
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  return undefined;
}

/**
 * Make the function that turns an event into an {@link AlertSample}: the fields of
 * {@link sampleFields} it has, bounded, then passed through `redact`. Samples are made only when
 * an alert is built, from the group's latest events (rules keep references to them, never copies,
 * so counting costs nothing; events from the bus are frozen).
 *
 * @param redact - Applied to each sample. When it throws, the sample is replaced by an empty one
 *   (never the unredacted fields) and the error goes to `onError`.
 * @param onError - Receives redactor failures.
 * @returns The sampler.
 */
export function createSampler(
  redact: SampleRedactor | undefined,
  onError: (error: unknown) => void,
): (event: DetectionEvent) => AlertSample {
  const readers: [string, FieldReader][] = sampleFields.map((field) => [field, compilePath(field)]);
  return (event) => {
    const sample: Record<string, string | number | boolean | null> = {};
    for (const [field, read] of readers) {
      const value = sampleValue(read(event));
      if (value !== undefined) sample[field] = value;
    }
    if (redact === undefined) return sample;
    try {
      return redact(sample);
    } catch (error) {
      onError(error);
      return {};
    }
  };
}

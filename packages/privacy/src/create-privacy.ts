import { parseOptions, SecbotError } from '@secbot/core';
import { z } from 'zod';
import { creditCardDetector } from './detectors/credit-card.js';
import { dateOfBirthDetector } from './detectors/date-of-birth.js';
import { emailDetector } from './detectors/email.js';
import { ibanDetector } from './detectors/iban.js';
import { invisibleTextDetector } from './detectors/invisible-text.js';
import { ipAddressDetector } from './detectors/ip-address.js';
import { macAddressDetector } from './detectors/mac-address.js';
import { type PhoneDetectorOptions, phoneDetector } from './detectors/phone.js';
import { secretsDetector } from './detectors/secrets.js';
import { ukNhsDetector } from './detectors/uk-nhs.js';
import { ukNinoDetector } from './detectors/uk-nino.js';
import { urlCredentialsDetector } from './detectors/url-credentials.js';
import { usItinDetector } from './detectors/us-itin.js';
import { usSsnDetector } from './detectors/us-ssn.js';
import type { Detector, Finding } from './finding.js';
import { applyOperator, type Operator } from './operators/operator.js';
import { redactOperator } from './operators/redact-operator.js';
import { scanText } from './scan-text.js';

/** Options of {@link builtinDetectors}. */
export interface BuiltinDetectorsOptions {
  /** Names of built-in detectors to leave out, e.g. `['mac-address']`. */
  readonly disable?: readonly string[];
  /** Countries phone numbers are read for (default country first). Default `['US']`. */
  readonly phoneCountries?: readonly string[];
}

/**
 * Every built-in detector with its defaults: email, phone, credit-card, iban, us-ssn, us-itin,
 * uk-nhs, uk-nino, ip-address, mac-address, url-credentials, date-of-birth, secrets, invisible-text.
 *
 * @param options - Detectors to leave out, phone countries.
 * @returns The detectors, to pass to {@link createPrivacy} or `scanText`.
 * @throws SecbotError `CONFIG_INVALID` naming an unknown detector in `disable` or a bad country.
 */
export function builtinDetectors(options: BuiltinDetectorsOptions = {}): Detector[] {
  const countries = options.phoneCountries ?? ['US'];
  const phone: PhoneDetectorOptions = {
    ...(countries[0] === undefined ? {} : { defaultCountry: countries[0] }),
    countries: countries.slice(1),
  };
  const all = [
    emailDetector(),
    phoneDetector(phone),
    creditCardDetector(),
    ibanDetector(),
    usSsnDetector(),
    usItinDetector(),
    ukNhsDetector(),
    ukNinoDetector(),
    ipAddressDetector(),
    macAddressDetector(),
    urlCredentialsDetector(),
    dateOfBirthDetector(),
    secretsDetector(),
    invisibleTextDetector(),
  ];
  const names = all.map((detector) => detector.name);
  const disable = options.disable ?? [];
  const unknown = disable.findIndex((name) => !names.includes(name));
  if (unknown !== -1) {
    const message = `not a built-in detector (one of ${names.join(', ')})`;
    throw new SecbotError(
      'CONFIG_INVALID',
      `builtinDetectors: invalid options: disable[${unknown}]: ${message}`,
      {
        issues: [{ path: `disable[${unknown}]`, message }],
      },
    );
  }
  return all.filter((detector) => !disable.includes(detector.name));
}

/** Options of {@link createPrivacy}. */
export interface PrivacyOptions {
  /** The detectors. Default: {@link builtinDetectors}(). Add `customRegexDetector` or `dictionaryDetector` ones. */
  readonly detectors?: readonly Detector[];
  /** Findings below this confidence are ignored. Default 0.5. */
  readonly minConfidence?: number;
  /** What `redact` replaces findings with. Default: `redactOperator()` (`[EMAIL]`, `[PHONE]`, ...). */
  readonly operator?: Operator;
  /** Receives a detector's failure (the detector is skipped for that text). Default: a process warning. */
  readonly onError?: (error: unknown, detector: string) => void;
}

/** The privacy service; see {@link createPrivacy}. */
export interface Privacy {
  /** Find personal data and secrets: non-overlapping findings sorted by start. */
  scan(text: string): Finding[];
  /** Replace everything found with the operator's output. */
  redact(text: string): string;
  /** The detectors in use. */
  readonly detectors: readonly Detector[];
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const optionsSchema = z.strictObject({
  detectors: z
    .array(
      z.custom<Detector>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as Detector).name === 'string' &&
          isFunction((value as Detector).scan),
        'must be a Detector (name, types, scan)',
      ),
    )
    .optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  operator: z
    .custom<Operator>(
      (value) => typeof value === 'object' && value !== null && isFunction((value as Operator).replace),
      'must be an Operator',
    )
    .optional(),
  onError: z.custom<(error: unknown, detector: string) => void>(isFunction, 'must be a function').optional(),
});

const warn = (error: unknown, detector: string): void => {
  const name = error instanceof Error ? error.name : typeof error;
  process.emitWarning(`secbot privacy: detector ${detector} failed (${name})`, {
    code: 'SECBOT_PRIVACY_DETECTOR',
  });
};

/**
 * Find and remove personal data and secrets in text: the detectors of {@link builtinDetectors}
 * (or yours), overlaps resolved by confidence, and an operator (redact by default; mask, keyed
 * hash and remove are the others) applied to what was found. For reversible placeholders sent to a
 * third-party service and restored in its reply, use {@link createPseudonymizer} with the findings.
 *
 * @param options - Detectors, confidence threshold, operator.
 * @returns The service.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { createPrivacy } from '@secbot/privacy';
 *
 * const privacy = createPrivacy();
 * privacy.redact('Card 4111 1111 1111 1111, mail jo@example.com');
 * // 'Card [CREDIT_CARD], mail [EMAIL]'
 * ```
 */
export function createPrivacy(options: PrivacyOptions = {}): Privacy {
  const o = parseOptions(optionsSchema, options, 'createPrivacy');
  const detectors = o.detectors ?? builtinDetectors();
  const operator = o.operator ?? redactOperator();
  const scanOptions = { minConfidence: o.minConfidence ?? 0.5, onError: o.onError ?? warn };
  const scan = (text: string): Finding[] => scanText(text, detectors, scanOptions);
  return {
    scan,
    redact: (text) => applyOperator(text, scan(text), operator),
    detectors,
  };
}

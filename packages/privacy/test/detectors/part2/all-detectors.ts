import { customRegexDetector } from '../../../src/detectors/custom-regex.js';
import { dateOfBirthDetector } from '../../../src/detectors/date-of-birth.js';
import { dictionaryDetector } from '../../../src/detectors/dictionary.js';
import { invisibleTextDetector } from '../../../src/detectors/invisible-text.js';
import { ipAddressDetector } from '../../../src/detectors/ip-address.js';
import { macAddressDetector } from '../../../src/detectors/mac-address.js';
import { secretsDetector } from '../../../src/detectors/secrets.js';
import { urlCredentialsDetector } from '../../../src/detectors/url-credentials.js';
import type { Detector } from '../../../src/finding.js';

/** One of each part-2 detector, the custom ones with realistic configurations. */
export const part2Detectors: readonly Detector[] = [
  ipAddressDetector(),
  macAddressDetector(),
  urlCredentialsDetector(),
  dateOfBirthDetector({ now: () => Date.UTC(2026, 0, 1) }),
  secretsDetector(),
  invisibleTextDetector(),
  customRegexDetector({ name: 'ticket', type: 'TICKET', pattern: /[A-Z]+-\d+/, context: ['ticket'] }),
  dictionaryDetector({ name: 'names', type: 'NAME', terms: ['alice', 'bob', 'a', 'aa', 'aaa', 'eyJ', '::'] }),
];

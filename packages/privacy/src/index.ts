/**
 * Find personal data and secrets in chat text before it leaves the bot, and remove or replace
 * them: detectors with checksums and context words, redaction, masking, keyed hashing and
 * reversible pseudonymisation with an encrypted, expiring vault.
 *
 * @module @secbot/privacy
 */

export {
  type BuiltinDetectorsOptions,
  builtinDetectors,
  createPrivacy,
  type Privacy,
  type PrivacyOptions,
} from './create-privacy.js';
export { type CreditCardDetectorOptions, creditCardDetector } from './detectors/credit-card.js';
export { type CustomRegexOptions, customRegexDetector } from './detectors/custom-regex.js';
export { type DateOfBirthOptions, dateOfBirthDetector } from './detectors/date-of-birth.js';
export { type DictionaryOptions, dictionaryDetector } from './detectors/dictionary.js';
export { type EmailDetectorOptions, emailDetector } from './detectors/email.js';
export { type IbanDetectorOptions, ibanDetector } from './detectors/iban.js';
export { invisibleTextDetector } from './detectors/invisible-text.js';
export { ipAddressDetector } from './detectors/ip-address.js';
export { macAddressDetector } from './detectors/mac-address.js';
export type { ContextWordOptions } from './detectors/part1-common.js';
export { type PhoneDetectorOptions, phoneDetector } from './detectors/phone.js';
export { type SecretsOptions, secretsDetector } from './detectors/secrets.js';
export { type UkNhsDetectorOptions, ukNhsDetector } from './detectors/uk-nhs.js';
export { type UkNinoDetectorOptions, ukNinoDetector } from './detectors/uk-nino.js';
export { urlCredentialsDetector } from './detectors/url-credentials.js';
export { type UsItinDetectorOptions, usItinDetector } from './detectors/us-itin.js';
export { type UsSsnDetectorOptions, usSsnDetector } from './detectors/us-ssn.js';
export type { Detector, Finding, PiiType, ScanContext } from './finding.js';
export { type Canary, type CanaryOptions, createCanary } from './injection/canary.js';
export {
  type InjectionDetectorOptions,
  injectionDetector,
  injectionKind,
} from './injection/injection-detector.js';
export type { InjectionKind } from './injection/injection-patterns.js';
export {
  compileObjectRedactor,
  type ObjectRedactor,
  type ObjectRedactorOptions,
} from './object/object-redactor.js';
export { type HashOperator, type HashOperatorOptions, hashOperator } from './operators/hash-operator.js';
export { type MaskOperatorOptions, maskOperator } from './operators/mask-operator.js';
export { applyOperator, type Operator } from './operators/operator.js';
export { type OperatorMapOptions, operatorMap } from './operators/operator-map.js';
export { type RedactOperatorOptions, redactOperator } from './operators/redact-operator.js';
export { removeOperator } from './operators/remove-operator.js';
export { createScanner } from './pipeline/scanner.js';
export type {
  ScanAction,
  ScanCall,
  ScanDirection,
  Scanner,
  ScannerOptions,
  ScanResult,
} from './pipeline/scanner-options.js';
export { createScanContext, defaultContextWindow, scanText } from './scan-text.js';
export {
  createPseudonymizer,
  type PseudonymizeResult,
  type Pseudonymizer,
  type PseudonymizerOptions,
  type RestoreResult,
  type UnresolvedPlaceholder,
} from './vault/pseudonymizer.js';
export { createVault } from './vault/vault.js';
export type {
  PseudonymVault,
  RevealResult,
  VaultOptions,
  VaultScope,
  VaultValue,
} from './vault/vault-types.js';

/**
 * Test helpers for secbot and for code that extends it: the {@link runStoreSuite} conformance
 * suite every `Store` implementation must pass, a frozen clock, `secbotRejection` for
 * asserting coded failures, and {@link createTestPki}, a throwaway CA for TLS tests.
 *
 * @module @secbot/test-utils
 */
export { createManualClock, type ManualClock } from './manual-clock.js';
export { secbotRejection } from './secbot-rejection.js';
export {
  runStoreSuite,
  type StoreSuiteContext,
  type StoreSuiteOptions,
  type SuiteClock,
} from './store-suite.js';
export { createTestPki, type TestCertificate, type TestKeyType, type TestPki } from './test-pki.js';

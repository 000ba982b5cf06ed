/**
 * The secbot kernel: the types every package shares ({@link Principal}, {@link SecurityContext},
 * {@link Decision}), the one error type ({@link SecbotError}), the typed security event bus, the
 * {@link Store} port with its bounded memory implementation, and the config helpers.
 *
 * @module @secbot/core
 */
export type { AuditSink, AuditSinkState } from './audit-sink.js';
export { type Clock, systemClock } from './clock.js';
export {
  type FormatPathOptions,
  formatPath,
  parseOptions,
  type SecretInput,
  type SecretListOptions,
  secretList,
} from './config.js';
export type { Decision, DecisionReason } from './decision.js';
export {
  httpStatusByCode,
  publicMessageByCode,
  type SecbotErrorCode,
  secbotErrorCodes,
} from './error-codes.js';
export {
  createEventBus,
  type EventBusOptions,
  type ListenerErrorHandler,
  type SecurityEventBus,
  type SecurityEventListener,
} from './event-bus.js';
export type { Credentials, IdentityProvider } from './identity-provider.js';
export type { KeyProvider, WrapContext, WrappedKey } from './key-provider.js';
export {
  createMemoryStore,
  type MemoryStore,
  type MemoryStoreOptions,
  type MemoryStoreStats,
} from './memory-store.js';
export { eventBusSchema, storeSchema } from './port-schemas.js';
export type { ActorRef, AuthMethod, Principal, TargetRef } from './principal.js';
export {
  type ConfigIssue,
  isSecbotError,
  SecbotError,
  type SecbotErrorJSON,
  type SecbotErrorOptions,
} from './secbot-error.js';
export type { Channel, SecurityContext } from './security-context.js';
export {
  type GrantChange,
  type PolicyDiff,
  type SecurityEvent,
  type SecurityEventBase,
  type SecurityEventInput,
  type SecurityEventPayloads,
  type SecurityEventType,
  type Severity,
  securityEventTypes,
} from './security-events.js';
export type {
  IncrementOptions,
  Store,
  StoreSetAddOptions,
  StoreSetOptions,
  WindowCount,
  WindowMode,
} from './store.js';
export {
  assertDuration,
  assertStoreKey,
  assertStoreMember,
  assertStoreValue,
  normalizeIncrement,
  storeLimits,
} from './store-limits.js';

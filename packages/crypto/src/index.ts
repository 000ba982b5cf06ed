/**
 * Encryption at rest and in transit for chatbots: AEAD primitives checked against public test
 * vectors, envelope encryption with per-tenant data keys wrapped by a key-encryption key,
 * rotation, crypto-shredding, and TLS with secure defaults.
 *
 * @module @secbot/crypto
 */
export { type Aead, type AeadName, aead, ready } from './aead.js';
export {
  type BlindIndex,
  type BlindIndexContext,
  type BlindIndexOptions,
  createBlindIndex,
  normalizeIndexValue,
} from './blind-index.js';
export {
  type EncryptedKvStore,
  type EncryptedKvStoreOptions,
  encryptedKvStore,
  type KvFailure,
  type KvRewrapOptions,
  type KvRewrapResult,
} from './encrypted-kv-store.js';
export { createEnvelope } from './envelope.js';
export { envelopeVersion, type SealContext } from './envelope-format.js';
export type {
  Envelope,
  EnvelopeInfo,
  EnvelopeOptions,
  KeyScope,
  Progress,
  ScopeContext,
} from './envelope-types.js';
export {
  decryptFields,
  type EncryptedRecord,
  encryptedFieldPrefix,
  encryptFields,
  type FieldContext,
  type SealedField,
} from './field-encryption.js';
export { type FileKeyringStoreOptions, fileKeyringStore } from './file-keyring-store.js';
export { type FileKvStoreOptions, fileKvStore } from './file-kv-store.js';
export type { DataKeyRecord, DataKeyStatus, KeyringSnapshot, KeyringStore } from './keyring-store.js';
export { assertKvKey, assertKvPrefix, assertKvValue, type KvStore, kvStoreLimits } from './kv-store.js';
export { type LocalKek, type LocalKeyProviderOptions, localKeyProvider } from './local-key-provider.js';
export { memoryKeyringStore } from './memory-keyring-store.js';
export { memoryKvStore } from './memory-kv-store.js';
export {
  type CertificateInfo,
  certificateInfo,
  type HstsOptions,
  hstsHeader,
  isPinMismatchError,
  type SecureAgentOptions,
  type SecureClientOptions,
  type SecureConnectionOptions,
  type SecureServerConfig,
  type SecureServerOptions,
  secureAgent,
  secureClientOptions,
  secureServerOptions,
  spkiPin,
  type TlsMinVersion,
  type TlsWatchOptions,
  tlsPolicy,
} from './tls/index.js';

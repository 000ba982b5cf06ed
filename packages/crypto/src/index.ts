/**
 * Encryption at rest and in transit for chatbots: AEAD primitives checked against public test
 * vectors, envelope encryption with per-tenant data keys wrapped by a key-encryption key,
 * rotation, crypto-shredding, and TLS with secure defaults.
 *
 * @module @secbot/crypto
 */
export { type Aead, type AeadName, aead, ready } from './aead.js';
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
export { type FileKeyringStoreOptions, fileKeyringStore } from './file-keyring-store.js';
export type { DataKeyRecord, DataKeyStatus, KeyringSnapshot, KeyringStore } from './keyring-store.js';
export { type LocalKek, type LocalKeyProviderOptions, localKeyProvider } from './local-key-provider.js';
export { memoryKeyringStore } from './memory-keyring-store.js';
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

// TLS in transit: hardened server and client options, certificate hot reload, HSTS, pinning.
// The package entry (src/index.ts) re-exports these by name.
export { type CertificateInfo, certificateInfo, spkiPin } from './certificate-info.js';
export { type HstsOptions, hstsHeader } from './hsts-header.js';
export { isPinMismatchError } from './pin-mismatch-error.js';
export { type SecureAgentOptions, secureAgent } from './secure-agent.js';
export {
  type SecureClientOptions,
  type SecureConnectionOptions,
  secureClientOptions,
} from './secure-client-options.js';
export {
  type SecureServerConfig,
  type SecureServerOptions,
  secureServerOptions,
  type TlsWatchOptions,
} from './secure-server-options.js';
export { type TlsMinVersion, tlsPolicy } from './tls-policy.js';

/**
 * The TLS policy every secbot server and client applies: the protocol floor, AEAD-only cipher
 * suites with forward secrecy, the key-exchange groups and the signature algorithms.
 *
 * - TLS 1.3 suites: AES-256-GCM, ChaCha20-Poly1305, AES-128-GCM (all TLS 1.3 suites are AEAD).
 * - TLS 1.2 suites: ECDHE key exchange (forward secrecy) with AES-GCM or ChaCha20-Poly1305 only.
 *   No CBC (Lucky13, padding oracles), no static RSA key exchange (no forward secrecy, ROBOT),
 *   no SHA-1 MAC, no DHE (slow, and small or weak groups), no PSK.
 * - Groups: X25519, P-256, P-384.
 * - Signatures: ECDSA, Ed25519/Ed448, RSA-PSS and RSA PKCS#1 v1.5 with SHA-256 or stronger;
 *   never SHA-1 or MD5.
 *
 * It matches the Mozilla "intermediate" configuration without its DHE suites.
 *
 * @example
 * ```ts
 * import { tlsPolicy } from '@secbot/crypto';
 * // an assessment tool compares a negotiated suite with the policy
 * const ok = tlsPolicy.tls13CipherSuites.includes('TLS_AES_256_GCM_SHA384');
 * ```
 */
export const tlsPolicy = Object.freeze({
  /** Lowest protocol version accepted by default. */
  minVersion: 'TLSv1.2',
  /** Highest protocol version. */
  maxVersion: 'TLSv1.3',
  /** TLS 1.3 suites, in order of preference (IANA names, as OpenSSL spells them). */
  tls13CipherSuites: Object.freeze([
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
    'TLS_AES_128_GCM_SHA256',
  ] as const),
  /** TLS 1.2 suites, in order of preference (OpenSSL names). */
  tls12CipherSuites: Object.freeze([
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
  ] as const),
  /** Key-exchange groups, in order of preference. */
  groups: Object.freeze(['X25519', 'P-256', 'P-384'] as const),
  /** Signature algorithms accepted in handshakes (OpenSSL names). */
  signatureAlgorithms: Object.freeze([
    'ecdsa_secp256r1_sha256',
    'ecdsa_secp384r1_sha384',
    'ecdsa_secp521r1_sha512',
    'ed25519',
    'ed448',
    'rsa_pss_rsae_sha256',
    'rsa_pss_rsae_sha384',
    'rsa_pss_rsae_sha512',
    'rsa_pss_pss_sha256',
    'rsa_pss_pss_sha384',
    'rsa_pss_pss_sha512',
    'rsa_pkcs1_sha256',
    'rsa_pkcs1_sha384',
    'rsa_pkcs1_sha512',
  ] as const),
});

/** A TLS version secbot accepts as a floor. */
export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3';

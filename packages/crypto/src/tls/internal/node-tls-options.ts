import { tlsPolicy } from '../tls-policy.js';

/** The policy as the option strings `tls.createSecureContext` and `tls.connect` take. */
export interface PolicyOptions {
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  readonly maxVersion: 'TLSv1.3';
  readonly ciphers: string;
  readonly ecdhCurve: string;
  readonly sigalgs: string;
}

// Node splits `ciphers`: names starting with TLS_ set the TLS 1.3 suites, the rest the TLS 1.2 list,
// so one string restricts both protocol versions.
const ciphers = [...tlsPolicy.tls13CipherSuites, ...tlsPolicy.tls12CipherSuites].join(':');
const ecdhCurve = tlsPolicy.groups.join(':');
const sigalgs = tlsPolicy.signatureAlgorithms.join(':');

export function policyOptions(minVersion: 'TLSv1.2' | 'TLSv1.3'): PolicyOptions {
  return { minVersion, maxVersion: 'TLSv1.3', ciphers, ecdhCurve, sigalgs };
}

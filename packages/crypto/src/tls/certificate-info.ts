import { describeCertificate, parseCertificate, pinOf } from './internal/x509.js';

/** Public facts about a certificate, for logs, pins and expiry checks. Nothing here is secret. */
export interface CertificateInfo {
  /** Subject distinguished name, one `key=value` per line, as Node prints it. */
  readonly subject: string;
  /** Issuer distinguished name. */
  readonly issuer: string;
  /** Subject alternative names, e.g. `DNS:bot.example.com, IP Address:10.0.0.1`, if any. */
  readonly subjectAltName: string | undefined;
  /** Serial number, upper-case hex (as `tls.PeerCertificate.serialNumber`). */
  readonly serialNumber: string;
  /** SHA-256 fingerprint of the DER certificate, colon-separated upper-case hex. */
  readonly fingerprint256: string;
  /** Start of validity (`notBefore`). */
  readonly notBefore: Date;
  /** End of validity (`notAfter`): renew before this. */
  readonly notAfter: Date;
  /** HPKP-style pin of the public key, `sha256/<base64>` (see {@link spkiPin}). */
  readonly spkiPin: string;
}

/**
 * Read the public facts of a certificate: subject, issuer, serial, fingerprint, validity and pin.
 * An assessment or monitoring job uses `notAfter` to warn before the certificate expires.
 *
 * @param certPem - A PEM certificate (the first one is used when the PEM holds a chain) or DER bytes.
 * @returns The certificate's public facts.
 * @throws SecbotError `ARGUMENT_INVALID` when the input is not a certificate.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { certificateInfo } from '@secbot/crypto';
 *
 * const { notAfter } = certificateInfo(readFileSync('/etc/secbot/tls/cert.pem', 'utf8'));
 * const daysLeft = (notAfter.getTime() - Date.now()) / 86_400_000;
 * ```
 */
export function certificateInfo(certPem: string | Uint8Array): CertificateInfo {
  return describeCertificate(parseCertificate(certPem, 'ARGUMENT_INVALID', 'certPem'));
}

/**
 * Compute the pin of a certificate's public key, for {@link SecureClientOptions.pins}: the base64
 * SHA-256 of its DER SubjectPublicKeyInfo, prefixed `sha256/` (the HPKP format of RFC 7469).
 * The same value comes from
 * `openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`.
 *
 * @param certPem - A PEM certificate (the first one is used when the PEM holds a chain) or DER bytes.
 * @returns The pin, e.g. `sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=`.
 * @throws SecbotError `ARGUMENT_INVALID` when the input is not a certificate.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { secureAgent, spkiPin } from '@secbot/crypto';
 *
 * const pin = spkiPin(readFileSync('llm-provider-intermediate.pem', 'utf8'));
 * const agent = secureAgent({ pins: [pin, process.env.BACKUP_PIN ?? pin] });
 * ```
 */
export function spkiPin(certPem: string | Uint8Array): string {
  return pinOf(parseCertificate(certPem, 'ARGUMENT_INVALID', 'certPem'));
}

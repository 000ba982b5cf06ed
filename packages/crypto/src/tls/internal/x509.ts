import { createHash, X509Certificate } from 'node:crypto';
import { SecbotError } from '@secbot/core';
import type { CertificateInfo } from '../certificate-info.js';

/** Parse the first certificate of a PEM (or DER) input, or throw with `code`. */
export function parseCertificate(
  input: string | Uint8Array,
  code: 'ARGUMENT_INVALID' | 'CONFIG_INVALID',
  what: string,
): X509Certificate {
  try {
    return new X509Certificate(typeof input === 'string' ? input : Buffer.from(input));
  } catch (cause) {
    throw new SecbotError(code, `${what} is not a PEM or DER X.509 certificate`, { cause });
  }
}

/** The `sha256/<base64>` pin of a certificate's SubjectPublicKeyInfo. */
export function pinOf(certificate: X509Certificate): string {
  const spki = certificate.publicKey.export({ type: 'spki', format: 'der' });
  return `sha256/${createHash('sha256').update(spki).digest('base64')}`;
}

function parseDate(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new SecbotError('ARGUMENT_INVALID', 'certificate validity date could not be read');
  }
  return date;
}

/** The public facts of a parsed certificate. */
export function describeCertificate(certificate: X509Certificate): CertificateInfo {
  return Object.freeze({
    subject: certificate.subject,
    issuer: certificate.issuer,
    subjectAltName: certificate.subjectAltName,
    serialNumber: certificate.serialNumber.toUpperCase(),
    fingerprint256: certificate.fingerprint256,
    notBefore: parseDate(certificate.validFrom),
    notAfter: parseDate(certificate.validTo),
    spkiPin: pinOf(certificate),
  });
}

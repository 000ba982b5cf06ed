import { createHash, createPrivateKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { SecbotError } from '@secbot/core';
import type { CertificateInfo } from '../certificate-info.js';
import type { PolicyOptions } from './node-tls-options.js';
import { describeCertificate, parseCertificate } from './x509.js';

/** Where a certificate, its key and (optionally) a CA bundle live, and the options that name them. */
export interface KeyPairSource {
  /** Factory name for messages, e.g. `secureServerOptions`. */
  readonly factory: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile?: string | undefined;
  readonly passphrase?: string | undefined;
  /** Option names, so messages point at what the user wrote (`certFile`, `clientCertFile`, ...). */
  readonly names: { readonly cert: string; readonly key: string; readonly ca: string };
}

/** The raw bytes of the files and a digest of all of them, to tell whether anything changed. */
export interface KeyPairFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
  readonly digest: string;
}

/** A certificate and key that were read, checked against each other and accepted by OpenSSL. */
export interface KeyPair extends KeyPairFiles {
  readonly certificate: CertificateInfo;
}

function configError(source: KeyPairSource, path: string, message: string, cause?: unknown): SecbotError {
  return new SecbotError('CONFIG_INVALID', `${source.factory}: ${path}: ${message}`, {
    issues: [{ path, message }],
    ...(cause === undefined ? {} : { cause }),
  });
}

function errorCode(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

function parseOrThrow(source: KeyPairSource, path: string, bytes: Buffer): X509Certificate {
  try {
    return parseCertificate(bytes, 'CONFIG_INVALID', path);
  } catch (cause) {
    throw configError(source, path, 'does not hold a PEM X.509 certificate', cause);
  }
}

function readOne(source: KeyPairSource, path: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    // Only the error code: the path is the user's own option, and no file content is involved.
    throw configError(source, path, `cannot read ${file} (${errorCode(cause)})`, cause);
  }
}

/**
 * Read the files. Throws `CONFIG_INVALID` naming the option when one cannot be read.
 */
export function readKeyPairFiles(source: KeyPairSource): KeyPairFiles {
  const cert = readOne(source, source.names.cert, source.certFile);
  const key = readOne(source, source.names.key, source.keyFile);
  const ca = source.caFile === undefined ? undefined : readOne(source, source.names.ca, source.caFile);
  const hash = createHash('sha256');
  for (const part of [cert, key, ca ?? Buffer.alloc(0)]) {
    hash.update(String(part.byteLength)).update(':').update(part);
  }
  return { cert, key, ca, digest: hash.digest('hex') };
}

/**
 * Check the files: a certificate, a private key that belongs to it, not expired, a CA bundle that
 * parses, and all of it accepted by OpenSSL under `policy`. Messages never quote file contents;
 * OpenSSL's error (which holds no key material either) is kept as `cause`.
 */
export function checkKeyPair(
  source: KeyPairSource,
  files: KeyPairFiles,
  policy: PolicyOptions,
  now: number,
): KeyPair {
  const { names } = source;
  const x509 = parseOrThrow(source, names.cert, files.cert);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(
      source.passphrase === undefined ? files.key : { key: files.key, passphrase: source.passphrase },
    );
  } catch (cause) {
    throw configError(
      source,
      names.key,
      'is not a readable private key (expected PEM; encrypted keys need the right passphrase)',
      cause,
    );
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw configError(
      source,
      names.key,
      `does not match the certificate in ${names.cert} (the key belongs to another certificate)`,
    );
  }
  const certificate = describeCertificate(x509);
  if (certificate.notAfter.getTime() <= now) {
    throw configError(
      source,
      names.cert,
      `certificate expired at ${certificate.notAfter.toISOString()} (serial ${certificate.serialNumber})`,
    );
  }
  if (files.ca !== undefined) parseOrThrow(source, names.ca, files.ca);
  try {
    createSecureContext(contextOptions(source, files, policy));
  } catch (cause) {
    throw configError(
      source,
      names.cert,
      `OpenSSL refused the certificate or key (${errorCode(cause)})`,
      cause,
    );
  }
  return { ...files, certificate };
}

/** The part of `tls.createSecureContext` options that comes from the files. */
export function contextOptions(
  source: Pick<KeyPairSource, 'passphrase'>,
  files: KeyPairFiles,
  policy: PolicyOptions,
): SecureContextOptions {
  return {
    ...policy,
    cert: files.cert,
    key: files.key,
    ...(source.passphrase === undefined ? {} : { passphrase: source.passphrase }),
    ...(files.ca === undefined ? {} : { ca: files.ca }),
  };
}

/** Read and check in one go. */
export function loadKeyPair(source: KeyPairSource, policy: PolicyOptions, now: number): KeyPair {
  return checkKeyPair(source, readKeyPairFiles(source), policy, now);
}

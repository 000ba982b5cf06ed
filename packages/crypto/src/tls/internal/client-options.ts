import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { rootCertificates } from 'node:tls';
import { type Clock, SecbotError, systemClock } from '@secbot/core';
import { z } from 'zod';
import type { SecureConnectionOptions } from '../secure-client-options.js';
import { loadKeyPair } from './load-key-pair.js';
import { policyOptions } from './node-tls-options.js';
import { pinningIdentityCheck } from './pin-check.js';
import { parseCertificate } from './x509.js';

const pinPattern = /^sha256\/[A-Za-z0-9+/]{43}=$/;
const pem = z.union([z.string().min(1), z.instanceof(Uint8Array)]);

/** The option schema shape, shared with `secureAgent`, which adds pooling options. */
export const clientShape = {
  ca: z.union([pem, z.array(pem).min(1)]).optional(),
  caFile: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  trustDefaultCAs: z.boolean().default(true),
  pins: z
    .array(
      z.string().regex(pinPattern, "must be 'sha256/' and the base64 SHA-256 of a public key (see spkiPin)"),
    )
    .min(1, 'give at least one pin, or leave pins out')
    .optional(),
  certFile: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  passphrase: z.string().min(1).optional(),
  minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  rejectUnauthorized: z
    .literal(true, {
      error: 'certificate verification cannot be disabled; add the CA with ca or caFile instead',
    })
    .optional(),
  now: z
    .custom<Clock>((value) => typeof value === 'function', { message: 'now must be a function' })
    .optional(),
};

/** Both halves of a client certificate, or neither. */
export function refineClient(
  options: { certFile?: string | undefined; keyFile?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if ((options.certFile === undefined) !== (options.keyFile === undefined)) {
    const path = options.certFile === undefined ? 'certFile' : 'keyFile';
    ctx.addIssue({
      code: 'custom',
      path: [path],
      message: 'a client certificate needs both certFile and keyFile',
    });
  }
}

export const clientSchema = z.strictObject(clientShape).superRefine(refineClient);

type ParsedClientOptions = z.output<typeof clientSchema>;

function toList<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

function configError(factory: string, path: string, message: string, cause: unknown): SecbotError {
  return new SecbotError('CONFIG_INVALID', `${factory}: ${path}: ${message}`, {
    issues: [{ path, message }],
    cause,
  });
}

function loadCAs(factory: string, options: ParsedClientOptions): string[] | undefined {
  const extra: string[] = [];
  toList(options.ca).forEach((entry, index) => {
    const text = typeof entry === 'string' ? entry : Buffer.from(entry).toString('utf8');
    const path = Array.isArray(options.ca) ? `ca[${index}]` : 'ca';
    try {
      parseCertificate(text, 'CONFIG_INVALID', path);
    } catch (cause) {
      throw configError(factory, path, 'does not hold a PEM X.509 certificate', cause);
    }
    extra.push(text);
  });
  toList(options.caFile).forEach((file, index) => {
    const path = Array.isArray(options.caFile) ? `caFile[${index}]` : 'caFile';
    let text: string;
    try {
      text = readFileSync(resolve(file), 'utf8');
      parseCertificate(text, 'CONFIG_INVALID', path);
    } catch (cause) {
      const code = (cause as { code?: unknown }).code;
      const why =
        typeof code === 'string' ? `cannot read ${file} (${code})` : 'does not hold a PEM X.509 certificate';
      throw configError(factory, path, why, cause);
    }
    extra.push(text);
  });
  if (extra.length === 0) return undefined; // Node's default trust store
  return options.trustDefaultCAs ? [...rootCertificates, ...extra] : extra;
}

/** Build the connection options; `factory` names the caller in messages. */
export function buildClientOptions(factory: string, options: ParsedClientOptions): SecureConnectionOptions {
  const policy = policyOptions(options.minVersion);
  const ca = loadCAs(factory, options);
  let client: { cert: Buffer; key: Buffer } | undefined;
  if (options.certFile !== undefined && options.keyFile !== undefined) {
    client = loadKeyPair(
      {
        factory,
        certFile: resolve(options.certFile),
        keyFile: resolve(options.keyFile),
        passphrase: options.passphrase,
        names: { cert: 'certFile', key: 'keyFile', ca: 'ca' },
      },
      policy,
      (options.now ?? systemClock)(),
    );
  }
  return {
    ...policy,
    rejectUnauthorized: true,
    ...(ca === undefined ? {} : { ca }),
    ...(client === undefined ? {} : { cert: client.cert, key: client.key }),
    ...(client !== undefined && options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
    ...(options.pins === undefined
      ? {}
      : { checkServerIdentity: pinningIdentityCheck(options.pins), maxCachedSessions: 0 }),
  };
}

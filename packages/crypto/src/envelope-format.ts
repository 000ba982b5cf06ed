import { SecbotError } from '@secbot/core';
import { hasUnpairedSurrogate } from './internal/well-formed.js';

/**
 * Where a sealed value belongs. All of it is authenticated with the ciphertext, so a ciphertext
 * copied to another tenant, record or field fails to open. `tenant` also selects the data key
 * (and `user` or `conversation`, when the envelope's `keyScope` asks for them).
 */
export interface SealContext {
  /** Tenant the data belongs to (use one fixed name, e.g. `default`, when single-tenant). */
  readonly tenant: string;
  /** Kind of record, e.g. `transcripts`. */
  readonly collection: string;
  /** The record's id. */
  readonly recordId: string;
  /** The field within the record, for field-level encryption. */
  readonly field?: string;
  /** The user the data belongs to (required when `keyScope` is `user`). */
  readonly user?: string;
  /** The conversation (required when `keyScope` is `conversation`). */
  readonly conversation?: string;
}

/** Algorithm ids in the envelope header. */
export const algorithmIds = { 'aes-256-gcm': 1, 'xchacha20-poly1305': 2 } as const;
/** The envelope header's algorithm names by id. */
const algorithmsById = { 1: 'aes-256-gcm', 2: 'xchacha20-poly1305' } as const;
/** Nonce length per algorithm. */
export const nonceLengths = { 'aes-256-gcm': 12, 'xchacha20-poly1305': 24 } as const;

const magic0 = 0x53; // 'S'
const magic1 = 0x42; // 'B'
/** The envelope format version this code writes and reads. */
export const envelopeVersion = 1;
/** Length of the key commitment in the header. */
export const commitmentLength = 32;
const tagLength = 16;

/** A parsed envelope header. */
export interface EnvelopeHeader {
  readonly algorithm: keyof typeof algorithmIds;
  readonly keyId: string;
  readonly nonce: Uint8Array;
  readonly commitment: Uint8Array;
  /** Bytes of the header, authenticated as the first part of the AAD. */
  readonly headerLength: number;
}

const keyIdPattern = /^k_[0-9a-f]{32}$/;

function malformed(why: string): SecbotError {
  return new SecbotError('CRYPTO_DECRYPT_FAILED', `envelope: ${why}`);
}

/**
 * Layout: `'S' 'B' version(1) algorithm(1) keyIdLength(1) keyId nonce commitment(32)` then
 * `ciphertext || tag`.
 */
export function writeHeader(
  algorithm: keyof typeof algorithmIds,
  keyId: string,
  nonce: Uint8Array,
  commitment: Uint8Array,
  out: Uint8Array,
): number {
  out[0] = magic0;
  out[1] = magic1;
  out[2] = envelopeVersion;
  out[3] = algorithmIds[algorithm];
  out[4] = keyId.length;
  let offset = 5;
  for (let i = 0; i < keyId.length; i++) out[offset++] = keyId.charCodeAt(i);
  out.set(nonce, offset);
  offset += nonce.byteLength;
  out.set(commitment, offset);
  return offset + commitment.byteLength;
}

export function headerLength(algorithm: keyof typeof algorithmIds, keyId: string): number {
  return 5 + keyId.length + nonceLengths[algorithm] + commitmentLength;
}

/**
 * Parse an envelope header, refusing anything unknown.
 *
 * @throws SecbotError `CRYPTO_DECRYPT_FAILED` for a wrong magic, an unknown version or algorithm,
 *   a malformed key id, or a message too short to hold a tag.
 */
export function readHeader(sealed: Uint8Array): EnvelopeHeader {
  if (!(sealed instanceof Uint8Array) || sealed.byteLength < 5) throw malformed('too short');
  if (sealed[0] !== magic0 || sealed[1] !== magic1) throw malformed('not a secbot envelope');
  if (sealed[2] !== envelopeVersion) throw malformed(`unknown format version ${sealed[2]}`);
  const algorithm = algorithmsById[sealed[3] as keyof typeof algorithmsById];
  if (algorithm === undefined) throw malformed(`unknown algorithm ${sealed[3]}`);
  const keyIdLength = sealed[4] as number;
  const nonceLength = nonceLengths[algorithm];
  const length = 5 + keyIdLength + nonceLength + commitmentLength;
  if (sealed.byteLength < length + tagLength) throw malformed('truncated');
  const keyId = Buffer.from(sealed.buffer, sealed.byteOffset + 5, keyIdLength).toString('latin1');
  if (!keyIdPattern.test(keyId)) throw malformed('malformed key id');
  const nonceStart = 5 + keyIdLength;
  return {
    algorithm,
    keyId,
    nonce: sealed.subarray(nonceStart, nonceStart + nonceLength),
    commitment: sealed.subarray(nonceStart + nonceLength, length),
    headerLength: length,
  };
}

const encoder = new TextEncoder();
const maxContextValue = 1024;
// Fixed order and a tag per field: each present field is tag(1) length(2) UTF-8 bytes, so no two
// different contexts encode alike. Strings with unpaired surrogates are refused: UTF-8 encoding
// would turn each into U+FFFD and make different contexts encode the same.
const contextFields = ['tenant', 'user', 'conversation', 'collection', 'recordId', 'field'] as const;

/** Most bytes a context can encode to. */
export const maxContextBytes = contextFields.length * (3 + maxContextValue * 3);

/**
 * Check a context and encode it into `out` at `offset` (for the AAD).
 *
 * @returns The offset after the encoded context.
 * @throws SecbotError `ARGUMENT_INVALID` when a required field is missing or a field is not a
 *   well-formed string of 1-1024 characters.
 */
export function encodeContextInto(context: SealContext, out: Uint8Array, offset: number): number {
  if (context === null || typeof context !== 'object')
    throw new SecbotError('ARGUMENT_INVALID', 'envelope: context is required');
  let at = offset;
  for (let tag = 0; tag < contextFields.length; tag++) {
    const name = contextFields[tag] as (typeof contextFields)[number];
    const value = context[name];
    if (value === undefined) {
      if (name === 'tenant' || name === 'collection' || name === 'recordId') {
        throw new SecbotError('ARGUMENT_INVALID', `envelope: context.${name} is required`);
      }
      continue;
    }
    if (
      typeof value !== 'string' ||
      value.length === 0 ||
      value.length > maxContextValue ||
      hasUnpairedSurrogate(value)
    ) {
      throw new SecbotError(
        'ARGUMENT_INVALID',
        `envelope: context.${name} must be a well-formed string of 1-${maxContextValue} characters`,
      );
    }
    const { written } = encoder.encodeInto(value, out.subarray(at + 3));
    out[at] = tag + 1;
    out[at + 1] = written >> 8;
    out[at + 2] = written & 0xff;
    at += 3 + written;
  }
  return at;
}

/** Room needed to encode `context`: an upper bound, computed without encoding. */
export function contextBound(context: SealContext): number {
  let bound = 0;
  for (const name of contextFields) {
    const value = (context as unknown as Partial<Record<string, unknown>> | null)?.[name];
    if (typeof value === 'string') bound += 3 + Math.min(value.length, maxContextValue + 1) * 3;
  }
  return bound;
}

import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { SecbotError } from '@secbot/core';
import { type AuditCheckpoint, checkpointStatementPrefix } from './audit-line.js';
import { canonicalJson } from './internal/canonical-json.js';
import { sha256Hex } from './internal/sha256.js';

/** An Ed25519 key as accepted by the options: a KeyObject or PEM text. */
export type Ed25519KeyInput = KeyObject | string;

/**
 * Load an Ed25519 private key.
 *
 * @returns The key, or `undefined` when the input is not an Ed25519 private key.
 */
export function loadSigningKey(input: unknown): KeyObject | undefined {
  try {
    const key =
      input instanceof KeyObject ? input : typeof input === 'string' ? createPrivateKey(input) : undefined;
    if (key?.type !== 'private' || key.asymmetricKeyType !== 'ed25519') return undefined;
    return key;
  } catch {
    return undefined;
  }
}

/**
 * Load an Ed25519 public key (a private key gives its public half).
 *
 * @returns The key, or `undefined` when the input is not an Ed25519 key.
 */
export function loadVerifyingKey(input: unknown): KeyObject | undefined {
  try {
    let key: KeyObject | undefined;
    if (input instanceof KeyObject) key = input.type === 'private' ? createPublicKey(input) : input;
    else if (typeof input === 'string') key = createPublicKey(input);
    if (key?.type !== 'public' || key.asymmetricKeyType !== 'ed25519') return undefined;
    return key;
  } catch {
    return undefined;
  }
}

/**
 * The id of an Ed25519 key, as written in a checkpoint's `keyId`: the first 16 hex digits of
 * SHA-256 of the public key in SPKI DER form.
 *
 * @param key - An Ed25519 public or private key.
 * @returns The key id.
 * @throws SecbotError `ARGUMENT_INVALID` when the key is not an Ed25519 key.
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * import { checkpointKeyId } from '@secbot/audit';
 *
 * const { publicKey } = generateKeyPairSync('ed25519');
 * console.log(checkpointKeyId(publicKey)); // e.g. '3f9c1a07b2d4e8aa'
 * ```
 */
export function checkpointKeyId(key: KeyObject): string {
  const pub = loadVerifyingKey(key);
  if (pub === undefined) throw argumentInvalid();
  return sha256Hex(pub.export({ type: 'spki', format: 'der' })).slice(0, 16);
}

/** The exact bytes an Ed25519 checkpoint signature covers. */
export function checkpointStatement(log: string, size: number, head: string): Buffer {
  return Buffer.from(`${checkpointStatementPrefix}${canonicalJson({ head, log, size })}`, 'utf8');
}

/** Sign a checkpoint (used by the log). */
export function signCheckpoint(
  privateKey: KeyObject,
  keyId: string,
  log: string,
  size: number,
  head: string,
): AuditCheckpoint {
  const sig = sign(null, checkpointStatement(log, size, head), privateKey).toString('base64url');
  return { head, keyId, log, sig, size };
}

/**
 * Check a checkpoint's Ed25519 signature, e.g. one an `anchor` stored elsewhere.
 *
 * @param checkpoint - The checkpoint.
 * @param publicKey - The log's checkpoint public key (KeyObject or PEM), or several during a rotation.
 * @returns `true` when one of the keys, matching `keyId`, signed exactly `{ log, size, head }`.
 * @throws SecbotError `ARGUMENT_INVALID` when a key is not an Ed25519 key.
 * @example
 * ```ts
 * import { verifyAuditCheckpoint } from '@secbot/audit';
 *
 * if (!verifyAuditCheckpoint(anchored, publicKeyPem)) throw new Error('forged checkpoint');
 * ```
 */
export function verifyAuditCheckpoint(
  checkpoint: AuditCheckpoint,
  publicKey: Ed25519KeyInput | readonly Ed25519KeyInput[],
): boolean {
  const keys = compileVerifyingKeys(publicKey);
  if (keys === undefined) throw argumentInvalid();
  return checkSignature(checkpoint, keys);
}

/** Compile verifying keys by id; `undefined` when one is not an Ed25519 key. */
export function compileVerifyingKeys(
  input: Ed25519KeyInput | readonly Ed25519KeyInput[],
): Map<string, KeyObject> | undefined {
  const map = new Map<string, KeyObject>();
  for (const item of Array.isArray(input) ? input : [input]) {
    const key = loadVerifyingKey(item);
    if (key === undefined) return undefined;
    map.set(checkpointKeyId(key), key);
  }
  return map;
}

/** Verify a checkpoint's signature against compiled keys (never throws). */
export function checkSignature(checkpoint: AuditCheckpoint, keys: ReadonlyMap<string, KeyObject>): boolean {
  const key = keys.get(checkpoint.keyId);
  if (key === undefined) return false;
  try {
    const sig = Buffer.from(checkpoint.sig, 'base64url');
    if (sig.length !== 64) return false;
    return verify(null, checkpointStatement(checkpoint.log, checkpoint.size, checkpoint.head), key, sig);
  } catch {
    return false;
  }
}

function argumentInvalid(): SecbotError {
  return new SecbotError('ARGUMENT_INVALID', 'audit checkpoint: the key is not an Ed25519 key');
}

import { SecbotError } from '@secbot/core';
import type { SealContext } from './envelope-format.js';
import type { Envelope } from './envelope-types.js';
import { hasUnpairedSurrogate } from './internal/well-formed.js';

/** Where a record belongs; each field adds its own name as `field`. */
export type FieldContext = Omit<SealContext, 'field'>;

/**
 * `T` with the fields `K` replaced by their encrypted text (an optional field stays optional).
 */
export type EncryptedRecord<T, K extends keyof T> = {
  [P in keyof T]: P extends K ? SealedField<T[P]> : T[P];
};

/** What an encrypted field holds: a string, or `undefined` where the field was `undefined`. */
export type SealedField<V> = V extends undefined ? V : string;

/** The prefix of every encrypted field value, so one is recognisable in a database or a log. */
export const encryptedFieldPrefix = 'sbenc:v1:';

const where = 'fieldEncryption';
const maxDepth = 64;
const maxNodes = 1_000_000;
const maxFieldNameLength = 1024;
// The first character of the sealed plaintext says how to restore the value. It is inside the
// ciphertext, so it is authenticated: nobody can turn a number into a string without the key.
const tags = { string: 's', number: 'n', boolean: 'b', json: 'j' } as const;
const numberText = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[+-]\d+)?$/;

function invalid(message: string): SecbotError {
  return new SecbotError('ARGUMENT_INVALID', `${where}: ${message}`);
}

function decryptFailed(field: string, why: string, cause?: unknown): SecbotError {
  return new SecbotError(
    'CRYPTO_DECRYPT_FAILED',
    `${where}: field "${field.slice(0, 64)}" ${why}`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * Encrypt the named top-level fields of a record, for field-level encryption in a document or
 * row store. Returns a copy: each named field becomes `'sbenc:v1:' + base64url(envelope)`, sealed
 * under `{ ...context, field: name }`, so a value moved to another field, record or tenant does
 * not decrypt. Other fields are copied untouched (shallowly); a named field that is absent or
 * `undefined` stays so.
 *
 * Field values may be strings, finite numbers, booleans, `null`, or plain JSON objects and
 * arrays (nested values held to the same rules; nested `-0` becomes `0`, as in JSON). The record
 * must be a plain object; it is read through its own enumerable string-keyed data properties
 * only, and the copy is built with `Object.defineProperty`, so `'__proto__'` is an ordinary field
 * and no prototype is ever set.
 *
 * @param envelope - Seals the values (see `createEnvelope`).
 * @param record - The plain object (not modified).
 * @param fields - Names of the fields to encrypt.
 * @param context - Tenant, collection and record id (and user, conversation).
 * @returns The copy with the named fields encrypted.
 * @throws SecbotError `ARGUMENT_INVALID` when the record is not a plain object, a field name is
 *   empty, too long or repeated, a named field is an accessor or non-enumerable, holds an
 *   unsupported value (function, bigint, symbol, `NaN`, a `Date` or class instance, a cycle,
 *   nesting deeper than 64, more than 1,000,000 nested values) or already holds an encrypted
 *   value; `CRYPTO_KEY_DESTROYED` when the scope's keys were destroyed.
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { createEnvelope, decryptFields, encryptFields, localKeyProvider } from '@secbot/crypto';
 *
 * const envelope = createEnvelope({ keyProvider: localKeyProvider({ keys: [{ id: 'kek-1', key: randomBytes(32) }] }) });
 * const context = { tenant: 'acme', collection: 'users', recordId: 'u-1' };
 * const row = await encryptFields(envelope, { id: 'u-1', email: 'ana@example.com', age: 41 }, ['email', 'age'], context);
 * // row.email === 'sbenc:v1:U0IB...'; row.id === 'u-1'
 * const user = await decryptFields(envelope, row, ['email', 'age'], context);
 * // user.age === 41
 * ```
 */
export async function encryptFields<T extends object, K extends keyof T & string>(
  envelope: Envelope,
  record: T,
  fields: readonly K[],
  context: FieldContext,
): Promise<EncryptedRecord<T, K>> {
  const names = checkFields(fields);
  const entries = ownEntries(record, names);
  const sealed = await Promise.all(
    entries.map(async ([name, value]): Promise<unknown> => {
      if (!names.has(name) || value === undefined) return value;
      const plaintext = encodeValue(value, name);
      return encryptedFieldPrefix + (await envelope.sealText(plaintext, fieldContext(context, name)));
    }),
  );
  return build(entries, sealed) as EncryptedRecord<T, K>;
}

/**
 * Reverse {@link encryptFields}: decrypt the named fields and restore their original types.
 * A named field that is present must hold an encrypted value: plaintext put in its place is
 * refused, not passed through. Other fields are copied untouched.
 *
 * What this cannot detect: a named field removed from the record, or a whole record replaced by
 * an older version of itself (both need a record-level MAC or version, which the caller owns).
 *
 * @param envelope - Opens the values.
 * @param record - The plain object with encrypted fields (not modified).
 * @param fields - Names of the encrypted fields.
 * @param context - The same context as when encrypting.
 * @returns The copy with the named fields decrypted, typed as the original record.
 * @throws SecbotError `CRYPTO_DECRYPT_FAILED` when a named field does not hold an encrypted
 *   value, was tampered with, or was moved from another field, record, collection or key
 *   scope; `CRYPTO_KEY_NOT_FOUND` for a value sealed under a key this tenant does not have (e.g.
 *   copied from another tenant) or a retired key; `CRYPTO_KEY_DESTROYED` after crypto-shredding;
 *   `ARGUMENT_INVALID` for a record that is not a plain object or bad field names.
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { createEnvelope, decryptFields, encryptFields, localKeyProvider } from '@secbot/crypto';
 *
 * interface User { id: string; email: string; age: number }
 * const envelope = createEnvelope({ keyProvider: localKeyProvider({ keys: [{ id: 'kek-1', key: randomBytes(32) }] }) });
 * const context = { tenant: 'acme', collection: 'users', recordId: 'u-1' };
 * const user: User = { id: 'u-1', email: 'ana@example.com', age: 41 };
 * const row = await encryptFields(envelope, user, ['email', 'age'], context); // store this
 * const back = await decryptFields(envelope, row, ['email', 'age'], context); // typed User
 * // a row typed by your database layer: name the record type and the fields
 * const loaded: { id: string; email: string; age: string } = row;
 * const same = await decryptFields<User, 'email' | 'age'>(envelope, loaded, ['email', 'age'], context);
 * ```
 */
export async function decryptFields<T extends object, K extends keyof T & string>(
  envelope: Envelope,
  record: EncryptedRecord<T, K>,
  fields: readonly K[],
  context: FieldContext,
): Promise<T> {
  const names = checkFields(fields);
  const entries = ownEntries(record, names);
  const opened = await Promise.all(
    entries.map(async ([name, value]): Promise<unknown> => {
      if (!names.has(name) || value === undefined) return value;
      if (typeof value !== 'string' || !value.startsWith(encryptedFieldPrefix)) {
        throw decryptFailed(name, 'does not hold an encrypted value');
      }
      const text = await envelope.openText(
        value.slice(encryptedFieldPrefix.length),
        fieldContext(context, name),
      );
      return decodeValue(text, name);
    }),
  );
  return build(entries, opened) as T;
}

function checkFields(fields: unknown): ReadonlySet<string> {
  if (!Array.isArray(fields)) throw invalid('fields must be an array of field names');
  const names = new Set<string>();
  for (const name of fields as unknown[]) {
    if (typeof name !== 'string' || name.length === 0 || name.length > maxFieldNameLength) {
      throw invalid(`each field name must be a string of 1-${maxFieldNameLength} characters`);
    }
    if (hasUnpairedSurrogate(name)) throw invalid('a field name contains an unpaired surrogate');
    if (names.has(name)) throw invalid(`field "${name.slice(0, 64)}" is listed twice`);
    names.add(name);
  }
  return names;
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The record's own enumerable string-keyed properties, refusing accessors on named fields. */
function ownEntries(record: unknown, names: ReadonlySet<string>): [string, unknown][] {
  if (!isPlainObject(record)) throw invalid('record must be a plain object');
  const entries: [string, unknown][] = [];
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(record))) {
    const named = names.has(name);
    if (!descriptor.enumerable) {
      if (named) throw invalid(`field "${name.slice(0, 64)}" is not enumerable`);
      continue;
    }
    if (!('value' in descriptor)) {
      if (named) throw invalid(`field "${name.slice(0, 64)}" is an accessor, not a value`);
      // an unnamed accessor is read like a spread would read it
      entries.push([name, (record as Record<string, unknown>)[name]]);
      continue;
    }
    entries.push([name, descriptor.value]);
  }
  return entries;
}

/** A new plain object from entries and their (possibly transformed) values. */
function build(entries: readonly [string, unknown][], values: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  entries.forEach(([name], i) => {
    Object.defineProperty(out, name, {
      value: values[i],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return out;
}

function fieldContext(context: FieldContext, field: string): SealContext {
  if (context === null || typeof context !== 'object') throw invalid('context is required');
  const { tenant, collection, recordId, user, conversation } = context;
  for (const value of [tenant, collection, recordId, user, conversation]) {
    // UTF-8 would turn every unpaired surrogate into U+FFFD, so two contexts would bind alike
    if (typeof value === 'string' && hasUnpairedSurrogate(value)) {
      throw invalid('context contains an unpaired surrogate');
    }
  }
  return {
    tenant,
    collection,
    recordId,
    ...(user === undefined ? {} : { user }),
    ...(conversation === undefined ? {} : { conversation }),
    field,
  };
}

function encodeValue(value: unknown, field: string): string {
  switch (typeof value) {
    case 'string':
      if (hasUnpairedSurrogate(value))
        throw invalid(`field "${field.slice(0, 64)}" contains an unpaired surrogate`);
      if (value.startsWith(encryptedFieldPrefix)) {
        throw invalid(`field "${field.slice(0, 64)}" already holds an encrypted value`);
      }
      return tags.string + value;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(`field "${field.slice(0, 64)}" is not a finite number`);
      return tags.number + (Object.is(value, -0) ? '-0' : String(value));
    case 'boolean':
      return tags.boolean + (value ? '1' : '0');
    case 'object':
      checkJson(value, field, 0, { visited: 0, ancestors: new Set() });
      return tags.json + JSON.stringify(value);
    default:
      throw invalid(`field "${field.slice(0, 64)}" holds a ${typeof value}, which cannot be encrypted`);
  }
}

/** State of one {@link checkJson} walk. */
interface JsonWalk {
  visited: number;
  readonly ancestors: Set<object>;
}

/** Refuse anything `JSON.stringify` would drop, change or choke on. */
function checkJson(value: unknown, field: string, depth: number, walk: JsonWalk): void {
  const refuse = (why: string): SecbotError => invalid(`field "${field.slice(0, 64)}" ${why}`);
  // shared sub-objects are walked once per reference, so bound the total (a DAG can be exponential)
  if (++walk.visited > maxNodes) throw refuse(`holds more than ${maxNodes} values`);
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') {
    if (hasUnpairedSurrogate(value)) throw refuse('contains an unpaired surrogate');
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw refuse('contains a number that is not finite');
    return;
  }
  if (typeof value !== 'object') throw refuse(`contains a ${typeof value}`);
  if (depth >= maxDepth) throw refuse(`is nested deeper than ${maxDepth}`);
  if (walk.ancestors.has(value)) throw refuse('contains a cycle');
  walk.ancestors.add(value);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw refuse('contains an array subclass');
    for (let i = 0; i < value.length; i++) {
      if (!Object.hasOwn(value, i)) throw refuse('contains a sparse array');
      checkJson(value[i], field, depth + 1, walk);
    }
  } else {
    if (!isPlainObject(value))
      throw refuse('contains an object that is not plain (a Date, Map or class instance)');
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
      if (hasUnpairedSurrogate(name)) throw refuse('contains a property name with an unpaired surrogate');
      if (!descriptor.enumerable) continue;
      if (!('value' in descriptor)) throw refuse('contains an accessor property');
      if (descriptor.value === undefined) throw refuse('contains an undefined property');
      checkJson(descriptor.value, field, depth + 1, walk);
    }
  }
  walk.ancestors.delete(value);
}

function decodeValue(text: string, field: string): unknown {
  const body = text.slice(1);
  switch (text[0]) {
    case tags.string:
      return body;
    case tags.number:
      if (!numberText.test(body)) throw decryptFailed(field, 'holds a malformed number');
      return Number(body);
    case tags.boolean:
      if (body !== '0' && body !== '1') throw decryptFailed(field, 'holds a malformed boolean');
      return body === '1';
    case tags.json:
      try {
        // JSON.parse makes '__proto__' an own property, never a prototype
        return JSON.parse(body) as unknown;
      } catch (cause) {
        throw decryptFailed(field, 'holds malformed JSON', cause);
      }
    default:
      throw decryptFailed(field, 'holds a value of unknown type');
  }
}

import { SecbotError } from '@secbot/core';

/**
 * The `SecbotError` a promise rejects with, so a test can assert its code and fields.
 *
 * @param promise - The operation expected to fail.
 * @returns The error.
 * @throws Error when the promise resolves, or rejects with anything but a `SecbotError`
 *   (the test then fails, naming what happened).
 * @example
 * ```ts
 * import { createMemoryStore } from '@secbot/core';
 * import { secbotRejection } from '@secbot/test-utils';
 *
 * const error = await secbotRejection(createMemoryStore().get(''));
 * // error.code === 'ARGUMENT_INVALID'
 * ```
 */
export async function secbotRejection(promise: Promise<unknown>): Promise<SecbotError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SecbotError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

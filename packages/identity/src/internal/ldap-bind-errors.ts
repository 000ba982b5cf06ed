// What a failed user bind means. Active Directory answers every failed simple bind with result
// code 49 and hides the reason in the diagnostic message ("... AcceptSecurityContext error, data
// 52e, v4563"); the codes below are Microsoft's (winerror.h / [MS-ADTS]). All of them reach
// callers with one generic public message; the code and detail are for logs and audit only.
import type { SecbotErrorCode } from '@secbot/core';
import type { DirectoryError } from '../directory-client.js';

/** A failed bind, as the provider reports it. */
export interface BindFailure {
  /** The error code callers get. */
  readonly code: SecbotErrorCode;
  /** Text for operators (never shown to clients, never containing the password). */
  readonly detail: string;
}

const activeDirectoryCodes: Readonly<Record<string, BindFailure>> = {
  '525': { code: 'AUTH_INVALID_CREDENTIALS', detail: 'no such user (AD data 525)' },
  '52e': { code: 'AUTH_INVALID_CREDENTIALS', detail: 'wrong password (AD data 52e)' },
  '530': { code: 'AUTH_ACCOUNT_RESTRICTED', detail: 'logon not permitted at this time (AD data 530)' },
  '531': {
    code: 'AUTH_ACCOUNT_RESTRICTED',
    detail: 'logon not permitted from this workstation (AD data 531)',
  },
  '532': { code: 'AUTH_PASSWORD_EXPIRED', detail: 'password expired (AD data 532)' },
  '533': { code: 'AUTH_ACCOUNT_DISABLED', detail: 'account disabled (AD data 533)' },
  '701': { code: 'AUTH_ACCOUNT_EXPIRED', detail: 'account expired (AD data 701)' },
  '773': { code: 'AUTH_PASSWORD_MUST_CHANGE', detail: 'password must be changed (AD data 773)' },
  '775': { code: 'AUTH_ACCOUNT_LOCKED', detail: 'account locked out (AD data 775)' },
};

/**
 * The Active Directory "data" code in a bind diagnostic message, lower-cased, if there is one.
 *
 * @param diagnostic - The server's diagnostic message.
 * @returns E.g. `52e`, or `undefined`.
 */
export function activeDirectoryDataCode(diagnostic: string | undefined): string | undefined {
  return /\bdata ([0-9a-f]{1,8})\b/i.exec(diagnostic ?? '')?.[1]?.toLowerCase();
}

/**
 * Classify the failure of a bind with a user's DN and password. Fails closed: whatever is not
 * recognised is an invalid credential, except that an unreachable server stays unavailable.
 *
 * @param error - What the directory connection rejected with.
 * @returns The code and log detail.
 */
export function classifyBindFailure(error: DirectoryError): BindFailure {
  switch (error.kind) {
    case 'unavailable':
      return { code: 'AUTH_PROVIDER_UNAVAILABLE', detail: error.message };
    case 'invalid-credentials': {
      const data = activeDirectoryDataCode(error.diagnosticMessage);
      if (data === undefined)
        return { code: 'AUTH_INVALID_CREDENTIALS', detail: 'invalid credentials (result 49)' };
      return (
        activeDirectoryCodes[data] ?? {
          code: 'AUTH_INVALID_CREDENTIALS',
          detail: `invalid credentials (AD data ${data})`,
        }
      );
    }
    case 'rejected':
      return {
        code: 'AUTH_INVALID_CREDENTIALS',
        detail: `bind refused (result ${error.resultCode ?? 'unknown'})`,
      };
  }
}

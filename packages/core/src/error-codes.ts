/**
 * Every error code secbot can produce, mapped to the HTTP status an adapter answers with.
 *
 * Codes are part of the public API and follow semver: a code is never renamed or removed in a
 * minor release. Adding a code here does not compile until it has a status and a public message.
 */
export const httpStatusByCode = {
  CONFIG_INVALID: 500,
  ARGUMENT_INVALID: 500,
  INTERNAL: 500,
  REQUEST_INVALID: 400,
  REQUEST_TOO_LARGE: 413,
  REQUEST_REPLAYED: 409,
  RATE_LIMITED: 429,
  CSRF_INVALID: 403,
  AUTH_REQUIRED: 401,
  AUTH_INVALID_TOKEN: 401,
  AUTH_TOKEN_EXPIRED: 401,
  AUTH_TOKEN_REVOKED: 401,
  AUTH_INVALID_CREDENTIALS: 401,
  AUTH_LOCKED_OUT: 429,
  AUTH_SESSION_INVALID: 401,
  AUTH_MFA_REQUIRED: 401,
  AUTH_PASSWORD_EXPIRED: 401,
  AUTH_PASSWORD_MUST_CHANGE: 401,
  AUTH_ACCOUNT_DISABLED: 401,
  AUTH_ACCOUNT_EXPIRED: 401,
  AUTH_ACCOUNT_LOCKED: 401,
  AUTH_ACCOUNT_RESTRICTED: 401,
  AUTH_PROVIDER_UNAVAILABLE: 503,
  RBAC_DENIED: 403,
  POLICY_CHANGE_NOT_FOUND: 404,
  POLICY_CHANGE_CONFLICT: 409,
  POLICY_SELF_APPROVAL: 403,
  POLICY_CHANGE_UNAPPROVED: 403,
  CRYPTO_DECRYPT_FAILED: 500,
  CRYPTO_KEY_NOT_FOUND: 500,
  CRYPTO_KEY_DESTROYED: 410,
  AUDIT_WRITE_FAILED: 503,
  AUDIT_CHAIN_BROKEN: 500,
  STORE_UNAVAILABLE: 503,
  STORE_KEY_CONFLICT: 500,
  STORE_CONFLICT: 409,
  ALERT_DELIVERY_FAILED: 502,
  TLS_PIN_MISMATCH: 502,
} as const satisfies Record<string, number>;

/** The stable code carried by every {@link SecbotError}; `switch (err.code)` narrows on it. */
export type SecbotErrorCode = keyof typeof httpStatusByCode;

/**
 * The generic text a client may see for each code. It reveals nothing about the cause: every
 * authentication failure reads alike, so a response never tells whether a user exists.
 */
export const publicMessageByCode: Readonly<Record<SecbotErrorCode, string>> = {
  CONFIG_INVALID: 'Internal server error',
  ARGUMENT_INVALID: 'Internal server error',
  INTERNAL: 'Internal server error',
  REQUEST_INVALID: 'Bad request',
  REQUEST_TOO_LARGE: 'Request too large',
  REQUEST_REPLAYED: 'Request already processed',
  RATE_LIMITED: 'Too many requests',
  CSRF_INVALID: 'Forbidden',
  AUTH_REQUIRED: 'Authentication required',
  AUTH_INVALID_TOKEN: 'Authentication failed',
  AUTH_TOKEN_EXPIRED: 'Authentication failed',
  AUTH_TOKEN_REVOKED: 'Authentication failed',
  AUTH_INVALID_CREDENTIALS: 'Authentication failed',
  AUTH_LOCKED_OUT: 'Too many requests',
  AUTH_SESSION_INVALID: 'Authentication failed',
  AUTH_MFA_REQUIRED: 'Additional authentication required',
  AUTH_PASSWORD_EXPIRED: 'Authentication failed',
  AUTH_PASSWORD_MUST_CHANGE: 'Authentication failed',
  AUTH_ACCOUNT_DISABLED: 'Authentication failed',
  AUTH_ACCOUNT_EXPIRED: 'Authentication failed',
  AUTH_ACCOUNT_LOCKED: 'Authentication failed',
  AUTH_ACCOUNT_RESTRICTED: 'Authentication failed',
  AUTH_PROVIDER_UNAVAILABLE: 'Service unavailable',
  RBAC_DENIED: 'Forbidden',
  POLICY_CHANGE_NOT_FOUND: 'Not found',
  POLICY_CHANGE_CONFLICT: 'Conflict',
  POLICY_SELF_APPROVAL: 'Forbidden',
  POLICY_CHANGE_UNAPPROVED: 'Forbidden',
  CRYPTO_DECRYPT_FAILED: 'Internal server error',
  CRYPTO_KEY_NOT_FOUND: 'Internal server error',
  CRYPTO_KEY_DESTROYED: 'Gone',
  AUDIT_WRITE_FAILED: 'Service unavailable',
  AUDIT_CHAIN_BROKEN: 'Internal server error',
  STORE_UNAVAILABLE: 'Service unavailable',
  STORE_KEY_CONFLICT: 'Internal server error',
  STORE_CONFLICT: 'Conflict',
  ALERT_DELIVERY_FAILED: 'Bad gateway',
  TLS_PIN_MISMATCH: 'Bad gateway',
};

/** Every code, in declaration order. */
export const secbotErrorCodes: readonly SecbotErrorCode[] = Object.keys(
  httpStatusByCode,
) as SecbotErrorCode[];

import { describe, expect, it } from 'vitest';
import {
  httpStatusByCode,
  isSecbotError,
  publicMessageByCode,
  SecbotError,
  type SecbotErrorCode,
  secbotErrorCodes,
} from '../src/index.js';

const jwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbmEiLCJyb2xlIjoiYWRtaW4ifQ.c2lnbmF0dXJlLXNlY3JldC1ieXRlcw';
const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';

describe('error codes', () => {
  it('gives every code an HTTP error status and a generic public message', () => {
    expect(secbotErrorCodes.length).toBeGreaterThanOrEqual(20);
    for (const code of secbotErrorCodes) {
      const status = httpStatusByCode[code];
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(publicMessageByCode[code].length, code).toBeGreaterThan(0);
      expect(new SecbotError(code, 'x').status).toBe(status);
    }
  });

  it('maps the codes adapters depend on to the statuses clients expect', () => {
    const expected: Partial<Record<SecbotErrorCode, number>> = {
      AUTH_INVALID_TOKEN: 401,
      AUTH_LOCKED_OUT: 429,
      RBAC_DENIED: 403,
      CONFIG_INVALID: 500,
      CRYPTO_DECRYPT_FAILED: 500,
      REQUEST_TOO_LARGE: 413,
      AUDIT_CHAIN_BROKEN: 500,
    };
    for (const [code, status] of Object.entries(expected)) {
      expect(httpStatusByCode[code as SecbotErrorCode]).toBe(status);
    }
  });

  it('uses one public message for every authentication failure, so responses do not reveal why', () => {
    const messages = new Set(
      (
        [
          'AUTH_INVALID_TOKEN',
          'AUTH_TOKEN_EXPIRED',
          'AUTH_TOKEN_REVOKED',
          'AUTH_INVALID_CREDENTIALS',
          'AUTH_SESSION_INVALID',
          'AUTH_PASSWORD_EXPIRED',
          'AUTH_PASSWORD_MUST_CHANGE',
          'AUTH_ACCOUNT_DISABLED',
          'AUTH_ACCOUNT_EXPIRED',
          'AUTH_ACCOUNT_LOCKED',
          'AUTH_ACCOUNT_RESTRICTED',
        ] as const
      ).map((code) => publicMessageByCode[code]),
    );
    expect(messages.size).toBe(1);
    for (const code of ['AUTH_ACCOUNT_DISABLED', 'AUTH_PASSWORD_EXPIRED', 'AUTH_ACCOUNT_LOCKED'] as const) {
      expect(httpStatusByCode[code]).toBe(httpStatusByCode.AUTH_INVALID_CREDENTIALS);
    }
  });
});

describe('SecbotError', () => {
  it('is an Error with name, code, status and cause', () => {
    const cause = new Error('socket hang up');
    const error = new SecbotError('AUTH_PROVIDER_UNAVAILABLE', 'ldap: no server answered', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SecbotError');
    expect(error.code).toBe('AUTH_PROVIDER_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.cause).toBe(cause);
    expect(error.publicMessage).toBe('Service unavailable');
  });

  it('never serialises the cause, the stack or anything the cause holds', () => {
    const cause = Object.assign(new Error('bind failed for password hunter2'), {
      password: 'hunter2',
      token: jwt,
    });
    const error = new SecbotError('AUTH_INVALID_CREDENTIALS', 'ldap: bind refused', {
      cause,
      retryAfterSec: 2.2,
    });
    const json = JSON.stringify(error);
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain(jwt);
    expect(json).not.toContain('stack');
    expect(JSON.parse(json)).toEqual({
      name: 'SecbotError',
      code: 'AUTH_INVALID_CREDENTIALS',
      status: 401,
      message: 'ldap: bind refused',
      retryAfterSec: 3,
    });
  });

  it('cuts tokens, bearer credentials and PEM blocks out of a careless message', () => {
    const error = new SecbotError(
      'AUTH_INVALID_TOKEN',
      `bad token ${jwt} from header Bearer abcdefghijklmnopqrstuvwxyz0123 and key ${pem} end`,
    );
    expect(error.message).not.toContain(jwt.slice(0, 30));
    expect(error.message).not.toContain('abcdefghijklmnop');
    expect(error.message).not.toContain('MIIEvQ');
    expect(error.message).toContain('Bearer [REDACTED]');
    expect(error.message).toMatch(/^bad token \[REDACTED\] from header/);
    expect(error.message).toContain('end');
  });

  it('bounds the message length and strips control characters that could forge log lines', () => {
    const error = new SecbotError('REQUEST_INVALID', `line one\r\nFAKE AUDIT LINE\u0000${'x'.repeat(5000)}`);
    expect(error.message.length).toBeLessThanOrEqual(501);
    expect(error.message).not.toContain('\r');
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('\u0000');
  });

  it('scrubs hostile 1 MB messages in linear time', () => {
    const started = performance.now();
    new SecbotError('REQUEST_INVALID', `-----BEGIN X-----${'eyJ'.repeat(300_000)}`);
    new SecbotError('REQUEST_INVALID', `Bearer ${'a'.repeat(1_000_000)}`);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('carries the config issues of CONFIG_INVALID into JSON', () => {
    const error = new SecbotError('CONFIG_INVALID', 'bad', {
      issues: [{ path: 'issuer', message: 'Required' }],
    });
    expect(error.toJSON().issues).toEqual([{ path: 'issuer', message: 'Required' }]);
  });
});

describe('isSecbotError', () => {
  it('recognises SecbotErrors and filters by code', () => {
    const error = new SecbotError('RBAC_DENIED', 'no');
    expect(isSecbotError(error)).toBe(true);
    expect(isSecbotError(error, 'RBAC_DENIED', 'AUTH_REQUIRED')).toBe(true);
    expect(isSecbotError(error, 'AUTH_REQUIRED')).toBe(false);
  });

  it('rejects look-alikes that merely copy the fields', () => {
    const fake = Object.assign(new Error('x'), { name: 'SecbotError', code: 'RBAC_DENIED', status: 403 });
    expect(isSecbotError(fake)).toBe(false);
    expect(isSecbotError({ code: 'RBAC_DENIED' })).toBe(false);
    expect(isSecbotError(null)).toBe(false);
  });

  it('recognises an error made by another copy of the package (ESM beside CJS)', () => {
    const foreign = new Error('from the other build');
    Object.defineProperty(foreign, Symbol.for('@secbot/core/SecbotError'), { value: true });
    expect(foreign instanceof SecbotError).toBe(true);
  });
});

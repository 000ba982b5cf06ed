import { httpStatusByCode, publicMessageByCode, type SecbotErrorCode } from './error-codes.js';
import { scrubMessage } from './internal/scrub.js';

// A registered symbol, so that an error made by one copy of this package (say the CommonJS build)
// is still recognised by another copy (the ESM build) in the same process.
const brand = Symbol.for('@secbot/core/SecbotError');

/** One problem found while validating options: where it is, and what is wrong (never the value). */
export interface ConfigIssue {
  /** Dotted path to the offending option, e.g. `algorithms[0]`; empty for the options object itself. */
  readonly path: string;
  /** What is wrong with it. */
  readonly message: string;
}

/** Extra, safe-to-share facts an error may carry. */
export interface SecbotErrorOptions {
  /** The underlying error. Kept for logs and audit; never serialised by {@link SecbotError.toJSON}. */
  readonly cause?: unknown;
  /** Seconds after which the caller may retry (lockouts, rate limits); becomes `Retry-After`. */
  readonly retryAfterSec?: number;
  /** For `CONFIG_INVALID`: each offending option path. */
  readonly issues?: readonly ConfigIssue[];
}

/** What {@link SecbotError.toJSON} produces: code, status and safe text only. */
export interface SecbotErrorJSON {
  readonly name: 'SecbotError';
  readonly code: SecbotErrorCode;
  readonly status: number;
  readonly message: string;
  readonly retryAfterSec?: number;
  readonly issues?: readonly ConfigIssue[];
}

/**
 * The one error type secbot throws. Each carries a stable {@link SecbotErrorCode}, the HTTP
 * status for that code, and a message written for operators that never contains a secret.
 *
 * As defence in depth the constructor also cuts bearer tokens, JWT-shaped strings and PEM blocks
 * out of the message and bounds its length, so an interpolation mistake cannot leak a credential.
 *
 * @example
 * ```ts
 * import { SecbotError } from '@secbot/core';
 *
 * try {
 *   throw new SecbotError('RBAC_DENIED', 'role "guest" may not transcripts:export');
 * } catch (err) {
 *   if (err instanceof SecbotError && err.code === 'RBAC_DENIED') {
 *     console.log(err.status, err.publicMessage); // 403 'Forbidden'
 *   }
 * }
 * ```
 */
export class SecbotError extends Error {
  override readonly name = 'SecbotError';
  /** Stable machine-readable code. */
  readonly code: SecbotErrorCode;
  /** HTTP status an adapter answers with, from `httpStatusByCode`. */
  readonly status: number;
  /** Seconds after which a retry may succeed, where that is known. */
  readonly retryAfterSec?: number;
  /** For `CONFIG_INVALID`, the offending option paths. */
  readonly issues?: readonly ConfigIssue[];

  /**
   * @param code - The stable code.
   * @param message - Operator-facing text. Name what failed, never the secret value involved.
   * @param options - The cause and safe extra facts.
   */
  constructor(code: SecbotErrorCode, message: string, options: SecbotErrorOptions = {}) {
    super(scrubMessage(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = httpStatusByCode[code];
    if (options.retryAfterSec !== undefined)
      this.retryAfterSec = Math.max(0, Math.ceil(options.retryAfterSec));
    if (options.issues !== undefined) this.issues = options.issues;
  }

  /** `instanceof` that also recognises errors made by another copy of @secbot/core (ESM beside CJS). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true;
  }

  /** The generic text a client may be shown for this code (see `publicMessageByCode`). */
  get publicMessage(): string {
    return publicMessageByCode[this.code];
  }

  /**
   * A plain object for logs and responses: name, code, status, message and the safe extras.
   * The `cause` and the stack are deliberately left out, since a cause may hold a credential.
   */
  toJSON(): SecbotErrorJSON {
    return {
      name: 'SecbotError',
      code: this.code,
      status: this.status,
      message: this.message,
      ...(this.retryAfterSec === undefined ? {} : { retryAfterSec: this.retryAfterSec }),
      ...(this.issues === undefined ? {} : { issues: this.issues }),
    };
  }
}

// Every instance carries the brand through its prototype (set once, not per error).
Object.defineProperty(SecbotError.prototype, brand, { value: true });

/**
 * Whether `value` is a {@link SecbotError}, optionally with one of the given codes.
 *
 * @param value - Anything caught.
 * @param codes - Codes to accept; any code when omitted.
 * @returns `true` when `value` is a SecbotError (with a listed code).
 * @example
 * ```ts
 * import { isSecbotError } from '@secbot/core';
 * const locked = (err: unknown) => isSecbotError(err, 'AUTH_LOCKED_OUT');
 * ```
 */
export function isSecbotError(value: unknown, ...codes: readonly SecbotErrorCode[]): value is SecbotError {
  return value instanceof SecbotError && (codes.length === 0 || codes.includes(value.code));
}

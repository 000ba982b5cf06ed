import { SecbotError } from '@secbot/core';

/** One event in ArcSight Common Event Format, for {@link formatCef}. */
export interface CefEvent {
  /** Device Vendor, e.g. `secbot`. */
  readonly vendor: string;
  /** Device Product. */
  readonly product: string;
  /** Device Version. */
  readonly version: string;
  /** Signature ID: what kind of event (here the rule id). */
  readonly signatureId: string;
  /** Name, for people. */
  readonly name: string;
  /** Severity, an integer from 0 (lowest) to 10 (highest). */
  readonly severity: number;
  /**
   * Extension `[key, value]` pairs, in order. Keys come from the CEF dictionary (`rt`, `src`,
   * `suser`, `cnt`, `msg`, `cs1`/`cs1Label`, ...): letters and digits, starting with a letter.
   */
  readonly extension: readonly (readonly [key: string, value: string | number])[];
}

const keyPattern = /^[A-Za-z][A-Za-z0-9]{0,62}$/;

/**
 * Format a CEF event (ArcSight CEF, revision 25):
 * `CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|key=value key=value ...`.
 *
 * - Header fields escape `\` and `|` with a backslash; control characters become spaces (a header
 *   cannot hold a line break).
 * - Extension values escape `\` and `=` with a backslash, and write line breaks as `\n` and `\r`;
 *   other control characters become spaces. Pipes need no escaping there.
 *
 * @param event - The event.
 * @returns The CEF line (no trailing line break).
 * @throws SecbotError `ARGUMENT_INVALID` when the severity is not an integer from 0 to 10 or an
 *   extension key is not a CEF key (keys are chosen by code, never by input).
 * @example
 * ```ts
 * import { formatCef } from '@secbot/alerts';
 *
 * formatCef({
 *   vendor: 'secbot', product: 'secbot', version: '0.1.0', signatureId: 'auth.brute-force',
 *   name: 'Brute force | login', severity: 8, extension: [['cnt', 12], ['msg', 'a=b']],
 * });
 * // 'CEF:0|secbot|secbot|0.1.0|auth.brute-force|Brute force \\| login|8|cnt=12 msg=a\\=b'
 * ```
 */
export function formatCef(event: CefEvent): string {
  if (!Number.isInteger(event.severity) || event.severity < 0 || event.severity > 10) {
    throw new SecbotError('ARGUMENT_INVALID', 'formatCef: severity must be an integer from 0 to 10');
  }
  const header = [event.vendor, event.product, event.version, event.signatureId, event.name]
    .map(escapeHeader)
    .join('|');
  const extension = event.extension
    .map(([key, value]) => {
      if (!keyPattern.test(key)) {
        throw new SecbotError('ARGUMENT_INVALID', 'formatCef: an extension key is not a CEF key');
      }
      return `${key}=${escapeValue(String(value))}`;
    })
    .join(' ');
  return `CEF:0|${header}|${event.severity}|${extension}`;
}

function escapeHeader(text: string): string {
  return text.replace(/[\\|]/g, '\\$&').replace(/[\p{Cc}\u2028\u2029]/gu, ' ');
}

function escapeValue(text: string): string {
  return text
    .replace(/[\\=]/g, '\\$&')
    .replace(/\r\n|\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ');
}

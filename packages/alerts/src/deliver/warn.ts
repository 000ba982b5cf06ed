/**
 * Report a problem of the alerts service that has no caller to throw to, as a process warning.
 * Only fixed text and counts: never alert content, channel errors or paths.
 *
 * @param message - What happened.
 * @param code - The warning code, e.g. `SECBOT_ALERT_OUTBOX_CORRUPT`.
 */
export function warn(message: string, code: string): void {
  globalThis.process?.emitWarning?.(`secbot alerts: ${message}`, { code });
}

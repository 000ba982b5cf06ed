/** Syslog facilities and their codes (RFC 5424 section 6.2.1). */
export const syslogFacilities = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  clock: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;

/** A syslog facility name, e.g. `authpriv` (10) or `local0` (16). */
export type SyslogFacility = keyof typeof syslogFacilities;

/**
 * A syslog severity (RFC 5424 section 6.2.1): 0 emergency, 1 alert, 2 critical, 3 error,
 * 4 warning, 5 notice, 6 informational, 7 debug.
 */
export type SyslogSeverity = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One SD-ELEMENT: an SD-ID such as `secbot@32473` and its parameters, in order. */
export interface SyslogStructuredData {
  /** The SD-ID. Characters an SD-NAME may not hold are removed; at most 32 are kept. */
  readonly id: string;
  /** `[name, value]` pairs. Names are cleaned like the id (empty ones are dropped); values are escaped. */
  readonly params: readonly (readonly [name: string, value: string])[];
}

/** What {@link formatSyslog5424} writes. */
export interface SyslogMessage {
  /** The facility. */
  readonly facility: SyslogFacility;
  /** The severity. */
  readonly severity: SyslogSeverity;
  /** When the message originated, epoch ms; written as RFC 3339 UTC with milliseconds (`-` when absent or invalid). */
  readonly timestamp?: number;
  /** HOSTNAME, at most 255 printable US-ASCII characters. */
  readonly hostname: string;
  /** APP-NAME, at most 48. */
  readonly appName: string;
  /** PROCID, at most 128. */
  readonly procId: string;
  /** MSGID, at most 32. */
  readonly msgId: string;
  /** STRUCTURED-DATA elements; a repeated SD-ID is kept once (the first). */
  readonly structuredData: readonly SyslogStructuredData[];
  /** MSG, free text (empty for none). */
  readonly msg: string;
}

/** Options of {@link formatSyslog5424}. */
export interface FormatSyslogOptions {
  /**
   * Largest message in UTF-8 bytes (without any transport framing). SD-ELEMENTs that do not fit
   * whole are left out, and MSG is cut at a character boundary. Default 2048 (RFC 5426).
   */
  readonly maxBytes?: number;
  /**
   * Prefix a non-ASCII MSG with the UTF-8 BOM, as RFC 5424 asks for MSG-UTF8. Default `true`;
   * turn off for MSG formats that receivers match from their first byte, such as CEF.
   */
  readonly bom?: boolean;
}

const headerLimits = { hostname: 255, appName: 48, procId: 128, msgId: 32 } as const;
const bom = '\uFEFF';

/**
 * Format one RFC 5424 syslog message:
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`.
 *
 * - PRI is `facility * 8 + severity`; TIMESTAMP is RFC 3339 in UTC with milliseconds.
 * - Header fields keep printable US-ASCII only (33 to 126), cut to their maximum length
 *   (HOSTNAME 255, APP-NAME 48, PROCID 128, MSGID 32); an empty field is the NILVALUE `-`.
 * - SD-ID and PARAM-NAME keep only characters an SD-NAME allows (printable US-ASCII except
 *   `=`, space, `]` and `"`), at most 32. PARAM-VALUE escapes `"`, `\` and `]` with a backslash.
 * - Control characters (line breaks included) in PARAM-VALUE and MSG become spaces, so a value
 *   cannot forge a second log line at a receiver that stores messages line by line.
 * - MSG is UTF-8, with a BOM when it is not plain ASCII (unless `bom: false`).
 *
 * @param message - The fields.
 * @param options - Size bound and BOM.
 * @returns The message; its UTF-8 encoding is at most `maxBytes` long.
 * @example
 * ```ts
 * import { formatSyslog5424 } from '@secbot/alerts';
 *
 * formatSyslog5424({
 *   facility: 'authpriv', severity: 3, timestamp: Date.UTC(2026, 0, 1), hostname: 'bot-1',
 *   appName: 'secbot', procId: '42', msgId: 'alert',
 *   structuredData: [{ id: 'secbot@32473', params: [['ruleId', 'auth.brute-force']] }],
 *   msg: 'Brute force on alice',
 * });
 * // '<83>1 2026-01-01T00:00:00.000Z bot-1 secbot 42 alert [secbot@32473 ruleId="auth.brute-force"] Brute force on alice'
 * ```
 */
export function formatSyslog5424(message: SyslogMessage, options: FormatSyslogOptions = {}): string {
  const maxBytes = options.maxBytes ?? 2048;
  const pri = syslogFacilities[message.facility] * 8 + message.severity;
  const header = [
    `<${pri}>1`,
    timestamp(message.timestamp),
    headerField(message.hostname, headerLimits.hostname),
    headerField(message.appName, headerLimits.appName),
    headerField(message.procId, headerLimits.procId),
    headerField(message.msgId, headerLimits.msgId),
  ].join(' ');

  let used = byteLength(header) + 1;
  let sd = '';
  const seen = new Set<string>();
  for (const element of message.structuredData) {
    const id = sdName(element.id);
    if (id === '' || seen.has(id)) continue;
    const text = sdElement(id, element.params);
    if (used + byteLength(sd) + byteLength(text) > maxBytes) continue;
    seen.add(id);
    sd += text;
  }
  if (sd === '') sd = '-';
  used += byteLength(sd);

  const text = flatten(message.msg);
  if (text === '') return `${header} ${sd}`;
  const prefix = options.bom !== false && !isAscii(text) ? bom : '';
  const room = maxBytes - used - 1 - byteLength(prefix);
  const msg = cutUtf8(text, room);
  return msg === '' ? `${header} ${sd}` : `${header} ${sd} ${prefix}${msg}`;
}

// The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, cut at a character
// boundary and without a lone backslash at the end (it would escape what a receiver appends).
function cutUtf8(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  let cut = bytes.subarray(0, end).toString('utf8');
  let trailing = 0;
  while (trailing < cut.length && cut[cut.length - 1 - trailing] === '\\') trailing++;
  if (trailing % 2 === 1) cut = cut.slice(0, -1);
  return cut;
}

function timestamp(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return Number.isNaN(year) || year < 0 || year > 9999 ? '-' : date.toISOString();
}

function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

function sdName(value: string): string {
  return value.replace(/[^\x21-\x7e]|[= \]"]/g, '').slice(0, 32);
}

function sdElement(id: string, params: SyslogStructuredData['params']): string {
  let out = `[${id}`;
  for (const [name, value] of params) {
    const key = sdName(name);
    if (key === '') continue;
    out += ` ${key}="${flatten(value).replace(/["\\\]]/g, '\\$&')}"`;
  }
  return `${out}]`;
}

function flatten(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, ' ');
}

function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

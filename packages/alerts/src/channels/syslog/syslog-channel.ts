import { hostname } from 'node:os';
import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import type { AlertChannel } from '../../alert-channel.js';
import {
  type TlsClientOptions,
  tlsClientOptionsSchema,
  tlsConnectionOptions,
} from '../tls-client-options.js';
import { alertSyslogMessages } from './alert-syslog.js';
import { streamTransport } from './stream-transport.js';
import { type SyslogFacility, syslogFacilities } from './syslog-5424.js';
import { udpTransport } from './udp-transport.js';

/** Options of {@link syslogChannel}. */
export interface SyslogChannelOptions {
  /** The channel's name. Default `syslog`. */
  readonly name?: string;
  /**
   * `udp` (RFC 5426), `tcp` (RFC 6587) or `tls` (RFC 5425). TCP and TLS use octet-counting
   * framing over one persistent connection. Prefer `tls` when alerts cross a network.
   */
  readonly transport: 'udp' | 'tcp' | 'tls';
  /** The receiver's host name or IP address. UDP uses IPv4 unless this is an IPv6 address. */
  readonly host: string;
  /** The receiver's port. Default 514, or 6514 for `tls`. */
  readonly port?: number;
  /**
   * MSG format: `cef` (default), an ArcSight CEF event SIEMs parse into fields, or `text`, one
   * line for people. Either way the alert's fields are also in the structured data.
   */
  readonly message?: 'cef' | 'text';
  /**
   * The facility. Default `authpriv` (10): security messages, which syslog daemons usually keep
   * in a file only administrators can read. Use `local0` to `local7` if your SIEM routes by those.
   */
  readonly facility?: SyslogFacility;
  /** HOSTNAME. Default `os.hostname()`. */
  readonly hostname?: string;
  /** APP-NAME. Default `secbot`. */
  readonly appName?: string;
  /** PROCID. Default the process id. */
  readonly procId?: string;
  /** The CEF device fields. Defaults: vendor `secbot`, product `secbot`, version `0.1.0`. */
  readonly cef?: { readonly vendor?: string; readonly product?: string; readonly version?: string };
  /** TLS client options; only with `transport: 'tls'`. The server certificate is always verified. */
  readonly tls?: TlsClientOptions;
  /**
   * Largest message in bytes, framing excluded (longer ones are cut, see `formatSyslog5424`).
   * Default 2048 for UDP (RFC 5426), 8192 for TCP and TLS. From 1024 to 65000.
   */
  readonly maxMessageBytes?: number;
  /** Longest wait for a connection or for a write, in milliseconds. Default 10 000. */
  readonly timeoutMs?: number;
}

const where = 'syslogChannel';
const field = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7e]+$/, 'must be printable US-ASCII without spaces');
const cefField = z
  .string()
  .min(1)
  .max(63)
  .regex(/^\P{Cc}+$/u, 'must not contain control characters');
const optionsSchema = z
  .strictObject({
    name: z.string().min(1).max(64).default('syslog'),
    transport: z.enum(['udp', 'tcp', 'tls']),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).optional(),
    message: z.enum(['cef', 'text']).default('cef'),
    facility: z
      .enum(Object.keys(syslogFacilities) as [SyslogFacility, ...SyslogFacility[]])
      .default('authpriv'),
    hostname: field(255).optional(),
    appName: field(48).default('secbot'),
    procId: field(128).optional(),
    cef: z
      .strictObject({
        vendor: cefField.default('secbot'),
        product: cefField.default('secbot'),
        version: cefField.default('0.1.0'),
      })
      .default({ vendor: 'secbot', product: 'secbot', version: '0.1.0' }),
    tls: tlsClientOptionsSchema.optional(),
    maxMessageBytes: z.number().int().min(1024).max(65_000).optional(),
    timeoutMs: z.number().int().min(10).max(300_000).default(10_000),
  })
  .refine((options) => options.tls === undefined || options.transport === 'tls', {
    message: 'tls options need transport "tls"',
    path: ['tls'],
  });

/**
 * An `AlertChannel` that sends each alert of a notification as one RFC 5424 syslog message,
 * its fields in structured data (`[secbot@32473 ruleId=... severity=... fingerprint=...]` and
 * `[labels@32473 ...]`), and its MSG a CEF event (`rt`, `start`, `end`, `cnt`, `externalId`,
 * `src` and `suser` when the labels hold an IP address and a user, `cs1` to `cs5` for the rule id,
 * fingerprint, group, MITRE ids and status, `msg` for the summary) or a line of text.
 *
 * Syslog severity follows the alert's: critical 2, high 3, medium 4, low 5, info 6; a resolved
 * alert is 6. CEF severity: critical 10, high 8, medium 5, low 3, info 1; resolved 0. TIMESTAMP
 * is the notification's `createdAt`, so a retried message is identical to the first.
 *
 * Every failure (connection refused or lost, TLS verification, timeout, abort) rejects with a
 * retryable `AlertDeliveryError`; the next send reconnects. Messages carry only what the alert
 * holds (already redacted by its rule), never a credential.
 *
 * @param options - Transport, receiver, format.
 * @returns The channel; `close()` closes its socket.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { syslogChannel } from '@secbot/alerts';
 *
 * const siem = syslogChannel({
 *   transport: 'tls',
 *   host: 'siem.example.com',
 *   tls: { ca: readFileSync('/etc/secbot/siem-ca.pem', 'utf8') },
 * });
 * ```
 */
export function syslogChannel(options: SyslogChannelOptions): AlertChannel {
  const parsed = parseOptions(optionsSchema, options, where);
  const endpoint = {
    channel: parsed.name,
    host: parsed.host,
    port: parsed.port ?? (parsed.transport === 'tls' ? 6514 : 514),
    timeoutMs: parsed.timeoutMs,
  };
  const transport =
    parsed.transport === 'udp'
      ? udpTransport(endpoint)
      : streamTransport(
          parsed.transport === 'tls'
            ? { ...endpoint, tls: tlsConnectionOptions(parsed.tls ?? tlsClientOptionsSchema.parse({})) }
            : endpoint,
        );
  const format = {
    message: parsed.message,
    facility: parsed.facility,
    hostname: parsed.hostname ?? hostname(),
    appName: parsed.appName,
    procId: parsed.procId ?? String(process.pid),
    cef: parsed.cef,
    maxBytes: parsed.maxMessageBytes ?? (parsed.transport === 'udp' ? 2048 : 8192),
  };

  return {
    name: parsed.name,
    async send(notification, { signal }) {
      const messages = alertSyslogMessages(notification, format).map((text) => Buffer.from(text, 'utf8'));
      if (messages.length > 0) await transport.send(messages, signal);
    },
    close: () => transport.close(),
  };
}

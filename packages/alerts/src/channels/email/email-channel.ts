import { parseOptions } from '@secbot/core';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { type AlertChannel, AlertDeliveryError } from '../../alert-channel.js';
import {
  type TlsClientOptions,
  tlsClientOptionsSchema,
  tlsConnectionOptions,
} from '../tls-client-options.js';
import { emailMessage } from './email-message.js';
import { partialFailure, smtpFailure } from './smtp-failure.js';

/** Options of {@link emailChannel}. */
export interface EmailChannelOptions {
  /** The channel's name. Default `email`. */
  readonly name?: string;
  /** The SMTP server (submission relay). */
  readonly host: string;
  /** Its port. Default 587, or 465 with `secure`. */
  readonly port?: number;
  /**
   * `true`: TLS from the first byte (implicit TLS, port 465). `false` (default): plain TCP
   * upgraded with STARTTLS, which is required: a server that does not offer it is refused and
   * nothing is sent in clear text.
   */
  readonly secure?: boolean;
  /**
   * Allow a connection that stays unencrypted when the server offers no STARTTLS. Only for a
   * relay on the same host or a trusted local network (a sidecar, `localhost:25`); never across
   * the internet. STARTTLS is still used (and verified) when offered. Cannot be combined with
   * `auth`, so a password never travels in clear text. Default `false`.
   */
  readonly allowInsecure?: boolean;
  /** Credentials for SMTP AUTH (PLAIN or LOGIN, whichever the server offers). Never logged, never in an error. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** TLS client options. The server certificate is always verified; TLS 1.2 or later. */
  readonly tls?: TlsClientOptions;
  /** Sender address, e.g. `secbot@example.com`. Also the domain of Message-IDs. */
  readonly from: string;
  /** Sender display name. Default `secbot`. */
  readonly fromName?: string;
  /** Recipient addresses, 1 to 50. */
  readonly to: readonly string[];
  /** The name sent with EHLO. Default: nodemailer's (the host name). */
  readonly clientName?: string;
  /** Longest wait to connect, for the greeting, and for each reply, in milliseconds. Default 30 000. */
  readonly timeoutMs?: number;
  /** Most pooled connections kept open to the server. Default 2. */
  readonly maxConnections?: number;
}

const where = 'emailChannel';
const oneLine = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^\P{Cc}+$/u, 'must not contain control characters');
const optionsSchema = z
  .strictObject({
    name: z.string().min(1).max(64).default('email'),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).optional(),
    secure: z.boolean().default(false),
    allowInsecure: z.boolean().default(false),
    auth: z.strictObject({ user: oneLine(256), pass: z.string().min(1).max(1024) }).optional(),
    tls: tlsClientOptionsSchema.default({ minVersion: 'TLSv1.2' }),
    from: z.email().max(254),
    fromName: oneLine(100).default('secbot'),
    to: z.array(z.email().max(254)).min(1).max(50),
    clientName: oneLine(253).optional(),
    timeoutMs: z.number().int().min(10).max(300_000).default(30_000),
    maxConnections: z.number().int().min(1).max(10).default(2),
  })
  .refine((options) => !(options.allowInsecure && options.auth !== undefined), {
    message: 'allowInsecure cannot be combined with auth (a password must not travel in clear text)',
    path: ['allowInsecure'],
  });

/**
 * An `AlertChannel` that emails each notification over SMTP with nodemailer: a pooled
 * transport, STARTTLS required unless `secure` (implicit TLS) is set, the server certificate
 * verified, TLS 1.2 or later. The subject is the notification's one-line title, the body its text,
 * with an HTML alternative in which every value is escaped; headers help receivers thread a
 * group's mails and drop duplicates (a retry has the same `Message-ID`).
 *
 * Failures reject with `AlertDeliveryError`, `receiverStatus` the SMTP reply code: 4xx replies,
 * connection failures, timeouts and aborts are retryable; 5xx replies are not (535 wrong
 * password, 550 recipient refused). A message that some recipients got and others were refused
 * fails, not retryable. Errors never hold the password or the server's text.
 *
 * @param options - Server, credentials, addresses.
 * @returns The channel; `close()` closes the connection pool.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option.
 * @example
 * ```ts
 * import { emailChannel } from '@secbot/alerts';
 *
 * const email = emailChannel({
 *   host: 'smtp.example.com',
 *   auth: { user: 'secbot', pass: process.env.SMTP_PASSWORD! },
 *   from: 'secbot@example.com',
 *   to: ['soc@example.com'],
 * });
 * ```
 */
export function emailChannel(options: EmailChannelOptions): AlertChannel {
  const parsed = parseOptions(optionsSchema, options, where);
  const channel = parsed.name;
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: parsed.maxConnections,
    host: parsed.host,
    port: parsed.port ?? (parsed.secure ? 465 : 587),
    secure: parsed.secure,
    requireTLS: !parsed.secure && !parsed.allowInsecure,
    tls: tlsConnectionOptions(parsed.tls),
    ...(parsed.auth === undefined ? {} : { auth: { user: parsed.auth.user, pass: parsed.auth.pass } }),
    ...(parsed.clientName === undefined ? {} : { name: parsed.clientName }),
    connectionTimeout: parsed.timeoutMs,
    greetingTimeout: parsed.timeoutMs,
    socketTimeout: parsed.timeoutMs,
    logger: false,
    debug: false,
  });
  const addressing = { from: parsed.from, fromName: parsed.fromName, to: parsed.to };
  let closed = false;

  return {
    name: channel,
    async send(notification, { signal }) {
      if (closed) throw new AlertDeliveryError(channel, 'the channel is closed');
      if (signal.aborted) throw new AlertDeliveryError(channel, 'the attempt was aborted');
      let info: { rejected?: unknown[]; rejectedErrors?: unknown[] };
      try {
        info = await transport.sendMail({ ...emailMessage(notification, addressing), signal });
      } catch (error) {
        throw smtpFailure(channel, error);
      }
      const refused = info.rejected?.length ?? 0;
      if (refused > 0) throw partialFailure(channel, refused, parsed.to.length, info.rejectedErrors);
    },
    async close() {
      closed = true;
      transport.close();
    },
  };
}

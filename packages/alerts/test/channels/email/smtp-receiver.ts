// An in-process SMTP receiver (smtp-server) on 127.0.0.1:0 that records what it got, with knobs
// for the failures the email channel must handle, and a small MIME reader for its messages.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export const user = 'secbot';
export const password = 'correct horse battery staple';

export interface Received {
  raw: string;
  /** Whether the session was encrypted (STARTTLS) when DATA came. */
  secure: boolean;
  /** The authenticated user. */
  user: unknown;
  from: string | false;
  to: string[];
}

export interface Receiver {
  readonly port: number;
  readonly messages: Received[];
  /** AUTH attempts seen (method), whether or not they succeeded. */
  readonly authAttempts: string[];
  close(): Promise<void>;
}

export interface ReceiverOptions {
  cert: string;
  key: string;
  /** Offer STARTTLS. Default true. */
  starttls?: boolean;
  authMethods?: string[];
  /** Recipients refused with 550. */
  refuse?: string[];
  /** Accept mail without AUTH. Default false. */
  authOptional?: boolean;
  /** Reply to MAIL FROM with this code (e.g. 451, 421). */
  mailFromReply?: number;
}

function reply(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function smtpReceiver(options: ReceiverOptions): Promise<Receiver> {
  const messages: Received[] = [];
  const authAttempts: string[] = [];
  const config: SMTPServerOptions = {
    key: options.key,
    cert: options.cert,
    logger: false,
    disableReverseLookup: true,
    authOptional: options.authOptional ?? false,
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN'],
    ...(options.starttls === false ? { disabledCommands: ['STARTTLS'], hideSTARTTLS: true } : {}),
    onAuth(auth, _session, callback) {
      authAttempts.push(auth.method);
      if (auth.username === user && auth.password === password) callback(null, { user: auth.username });
      else callback(reply(535, 'Authentication credentials invalid'));
    },
    onMailFrom(_address, _session, callback) {
      if (options.mailFromReply !== undefined) callback(reply(options.mailFromReply, 'try again later'));
      else callback();
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.includes(address.address)) callback(reply(550, 'no such user here'));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user,
          from: session.envelope.mailFrom === false ? false : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(config);
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address() as AddressInfo;
  return {
    port: address.port,
    messages,
    authAttempts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface Mail {
  headers: Map<string, string[]>;
  header(name: string): string | undefined;
  text: string;
  html: string;
}

/** Read a message as a receiver would: unfolded, decoded headers and the text and HTML parts. */
export function parseMail(raw: string): Mail {
  const { headers, body } = splitHead(raw);
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type')?.[0] ?? '')?.[1];
  const parts = boundary === undefined ? [raw] : body.split(`--${boundary}`).slice(1, -1);
  let text = '';
  let html = '';
  for (const part of parts) {
    const parsed = splitHead(part.replace(/^\r\n/, ''));
    const type = parsed.headers.get('content-type')?.[0] ?? '';
    const content = decodeBody(
      parsed.body.replace(/\r\n$/, ''),
      parsed.headers.get('content-transfer-encoding')?.[0],
    );
    if (type.startsWith('text/plain')) text = content;
    if (type.startsWith('text/html')) html = content;
  }
  return { headers, header: (name) => headers.get(name.toLowerCase())?.[0], text, html };
}

function splitHead(raw: string): { headers: Map<string, string[]>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, end).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string[]>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), decodeWords(line.slice(colon + 1).trim())]);
  }
  return { headers, body: raw.slice(end + 4) };
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_, encoding: string, data: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQp(data.replace(/_/g, ' ')),
    );
}

function decodeBody(body: string, encoding = '7bit'): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) return decodeQp(body.replace(/=\r\n/g, ''));
  return body;
}

function decodeQp(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i] ?? '', 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

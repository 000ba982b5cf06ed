import { isSecbotError } from '@secbot/core';
import { createTestPki, secbotRejection, type TestPki } from '@secbot/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmailChannelOptions, emailChannel } from '../../../src/channels/email/email-channel.js';
import {
  type AlertChannel,
  AlertDeliveryError,
  notificationText,
  notificationTitle,
} from '../../../src/index.js';
import { alert, context, createdAt, hostileAlert, notification } from '../syslog/fixtures.js';
import { silentServer } from '../syslog/listeners.js';
import { parseMail, password, type ReceiverOptions, smtpReceiver, user } from './smtp-receiver.js';

let pki: TestPki;
let cert: { cert: string; key: string };
let rogue: { cert: string; key: string };
const open: { close(): Promise<void> }[] = [];

beforeAll(() => {
  pki = createTestPki();
  const server = pki.issue('smtp', 'server');
  const self = pki.selfSigned('rogue-smtp');
  cert = { cert: server.certPem, key: server.keyPem };
  rogue = { cert: self.certPem, key: self.keyPem };
});
afterAll(() => pki.cleanup());
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

async function receiver(options: Partial<ReceiverOptions> = {}) {
  const made = await smtpReceiver({ ...cert, ...options });
  open.push(made);
  return made;
}
function channel(port: number, options: Partial<EmailChannelOptions> = {}): AlertChannel {
  const made = emailChannel({
    host: '127.0.0.1',
    port,
    tls: { ca: pki.ca.certPem },
    auth: { user, pass: password },
    from: 'secbot@example.com',
    to: ['soc@example.com', 'oncall@example.com'],
    timeoutMs: 2000,
    ...options,
  });
  open.push({ close: () => made.close?.() ?? Promise.resolve() });
  return made;
}
async function deliveryFailure(promise: Promise<unknown>): Promise<AlertDeliveryError> {
  const error = await secbotRejection(promise);
  expect(error).toBeInstanceOf(AlertDeliveryError);
  expect(error.message).not.toContain(password);
  return error as AlertDeliveryError;
}

describe('emailChannel options', () => {
  it('refuses bad options with CONFIG_INVALID naming the path, never quoting the password', () => {
    const base = { host: 'smtp.example.com', from: 'a@example.com', to: ['b@example.com'] };
    const bad: [unknown, string][] = [
      [{ ...base, from: 'not an address' }, 'from'],
      [{ ...base, to: [] }, 'to'],
      [{ ...base, to: ['ok@example.com', 'x\r\nBcc: evil@example.com'] }, 'to[1]'],
      [{ ...base, allowInsecure: true, auth: { user: 'u', pass: 'hunter2-secret' } }, 'allowInsecure'],
      [{ ...base, tls: { rejectUnauthorized: false } }, 'tls'],
      [{ ...base, auth: { user: 'u', pass: '' } }, 'auth.pass'],
      [{ ...base, fromName: 'a\nb' }, 'fromName'],
      [{ ...base, timeoutMs: 0 }, 'timeoutMs'],
      [{ ...base, port: 0 }, 'port'],
    ];
    for (const [options, path] of bad) {
      try {
        emailChannel(options as EmailChannelOptions);
        expect.unreachable(path);
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toContain(path);
        expect((error as Error).message).not.toContain('hunter2-secret');
      }
    }
  });
});

describe('emailChannel against an SMTP server', () => {
  it('delivers over STARTTLS with AUTH PLAIN: subject, text, escaped HTML and threading headers', async () => {
    const smtp = await receiver({ authMethods: ['PLAIN'] });
    const email = channel(smtp.port);
    const sent = notification([hostileAlert(), alert({ severity: 'critical' })], {
      groupKey: 'user=<b>bob</b>\r\nBcc: evil@example.com',
    });
    await email.send(sent, context());

    expect(smtp.messages).toHaveLength(1);
    const [received] = smtp.messages;
    expect(received).toMatchObject({ secure: true, user, from: 'secbot@example.com' });
    expect(received?.to).toEqual(['soc@example.com', 'oncall@example.com']);
    expect(smtp.authAttempts).toEqual(['PLAIN']);

    const mail = parseMail(received?.raw ?? '');
    expect(mail.header('subject')).toBe(notificationTitle(sent));
    expect(mail.header('subject')).toBe(
      '[FIRING:2] CRITICAL rule"]\\|=  (user=<b>bob</b> Bcc: evil@example.com)',
    );
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.header('from')).toBe('secbot <secbot@example.com>');
    expect(mail.header('message-id')).toBe('<secbot.n-0001@example.com>');
    expect(mail.header('references')).toMatch(/^<group\.[0-9a-f]{32}@example\.com>$/);
    expect(mail.header('in-reply-to')).toBe(mail.header('references'));
    expect(mail.header('x-secbot-notification-id')).toBe('n-0001');
    expect(mail.header('x-secbot-severity')).toBe('critical');
    expect(mail.header('auto-submitted')).toBe('auto-generated');
    expect(mail.header('date')).toBe(new Date(createdAt).toUTCString().replace('GMT', '+0000'));
    const lines = (text: string) => text.replace(/\r\n?/g, '\n');
    expect(lines(mail.text)).toBe(lines(notificationText(sent)));

    expect(mail.html).not.toMatch(/<script|<b>|onerror/i);
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('a=&quot;b&quot; c\\d ]e| f=g');
    expect(mail.html).toContain('user=&lt;b&gt;bob&lt;/b&gt;');
    expect(mail.html).toContain('__proto__=polluted');
  });

  it('authenticates with LOGIN when that is what the server offers, and reuses the pooled connection', async () => {
    const smtp = await receiver({ authMethods: ['LOGIN'] });
    const email = channel(smtp.port);
    await email.send(notification(), context());
    await email.send(notification([alert()], { id: 'n-0002' }), context());
    expect(smtp.messages.map((message) => message.secure)).toEqual([true, true]);
    expect(smtp.authAttempts).toEqual(['LOGIN']);
    expect(parseMail(smtp.messages[1]?.raw ?? '').header('message-id')).toBe('<secbot.n-0002@example.com>');
  });

  it('hashes a notification id that is not a safe header token', async () => {
    const smtp = await receiver();
    await channel(smtp.port).send(notification([alert()], { id: 'x\r\nBcc: evil@example.com' }), context());
    const mail = parseMail(smtp.messages[0]?.raw ?? '');
    expect(mail.header('x-secbot-notification-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(mail.headers.has('bcc')).toBe(false);
  });

  it('refuses a server that does not offer STARTTLS: nothing sent, no AUTH in clear text', async () => {
    const smtp = await receiver({ starttls: false });
    const error = await deliveryFailure(channel(smtp.port).send(notification(), context()));
    expect(error.message).toMatch(/^email: the SMTP server refused the TLS upgrade with 5\d\d$/);
    expect(error.retryable).toBe(false);
    expect(smtp.messages).toEqual([]);
    expect(smtp.authAttempts).toEqual([]);
  });

  it('allowInsecure (no auth) delivers in clear text only when the server has no STARTTLS, and uses it when offered', async () => {
    const plain = await receiver({ starttls: false, authOptional: true });
    await channel(plain.port, { allowInsecure: true, auth: undefined }).send(notification(), context());
    expect(plain.messages.map((message) => message.secure)).toEqual([false]);

    const tls = await receiver({ authOptional: true });
    await channel(tls.port, { allowInsecure: true, auth: undefined }).send(notification(), context());
    expect(tls.messages.map((message) => message.secure)).toEqual([true]);
  });

  it('refuses a server certificate that does not chain to the trusted CA', async () => {
    const smtp = await receiver(rogue);
    const error = await deliveryFailure(channel(smtp.port).send(notification(), context()));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^email: the connection failed \(ESOCKET\/[A-Z_]+\)$/);
    expect(smtp.authAttempts).toEqual([]);
  });

  it('wrong password: not retryable, receiverStatus 535, the password nowhere in the error', async () => {
    const smtp = await receiver();
    const error = await deliveryFailure(
      channel(smtp.port, { auth: { user, pass: 'wrong-password-value' } }).send(notification(), context()),
    );
    expect(error).toMatchObject({ retryable: false, receiverStatus: 535, code: 'ALERT_DELIVERY_FAILED' });
    expect(error.message).toBe('email: the SMTP server refused authentication with 535');
    expect(JSON.stringify(error)).not.toContain('wrong-password-value');
    expect(smtp.messages).toEqual([]);
  });

  it('every recipient refused: not retryable, 550; some refused: not retryable either (no duplicates)', async () => {
    const smtp = await receiver({ refuse: ['soc@example.com', 'oncall@example.com'] });
    const all = await deliveryFailure(channel(smtp.port).send(notification(), context()));
    expect(all).toMatchObject({ retryable: false, receiverStatus: 550 });
    expect(all.message).not.toContain('soc@example.com');

    const some = await receiver({ refuse: ['oncall@example.com'] });
    const partial = await deliveryFailure(channel(some.port).send(notification(), context()));
    expect(partial).toMatchObject({ retryable: false, receiverStatus: 550 });
    expect(partial.message).toBe('email: the SMTP server refused 1 of 2 recipients with 550');
    expect(some.messages.map((message) => message.to)).toEqual([['soc@example.com']]);
  });

  it('temporary replies 451 and 421 are retryable with their code', async () => {
    for (const code of [451, 421]) {
      const smtp = await receiver({ mailFromReply: code });
      const error = await deliveryFailure(channel(smtp.port).send(notification(), context()));
      expect(error).toMatchObject({ retryable: true, receiverStatus: code });
    }
  });

  it('a server that accepts and never answers: rejects on abort, and on its own timeout, retryable', async () => {
    const silent = await silentServer();
    open.push(silent);
    const controller = new AbortController();
    const sending = channel(silent.port).send(notification(), context(controller.signal));
    setTimeout(() => controller.abort(new Error('attempt timed out')), 50);
    const aborted = await deliveryFailure(sending);
    expect(aborted).toMatchObject({ retryable: true, message: 'email: the attempt was aborted' });

    const started = performance.now();
    const timedOut = await deliveryFailure(
      channel(silent.port, { timeoutMs: 100 }).send(notification(), context()),
    );
    expect(timedOut.retryable).toBe(true);
    expect(timedOut.message).toContain('ETIMEDOUT');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('rejects when the signal is already aborted or the channel is closed, sending nothing', async () => {
    const smtp = await receiver();
    const email = channel(smtp.port);
    expect(
      (await deliveryFailure(email.send(notification(), context(AbortSignal.abort())))).message,
    ).toContain('aborted');
    await email.close?.();
    expect((await deliveryFailure(email.send(notification(), context()))).message).toBe(
      'email: the channel is closed',
    );
    expect(smtp.messages).toEqual([]);
  });

  it('connection refused is retryable', async () => {
    const smtp = await receiver();
    const port = smtp.port;
    await smtp.close();
    const error = await deliveryFailure(channel(port).send(notification(), context()));
    expect(error.retryable).toBe(true);
    expect(error.receiverStatus).toBeUndefined();
    expect(error.message).toContain('ECONNREFUSED');
  });
});

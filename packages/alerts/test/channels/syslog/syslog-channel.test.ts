import { isSecbotError } from '@secbot/core';
import { createTestPki, secbotRejection, type TestPki } from '@secbot/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SyslogChannelOptions, syslogChannel } from '../../../src/channels/syslog/syslog-channel.js';
import { type AlertChannel, AlertDeliveryError } from '../../../src/index.js';
import { alert, context, createdAt, hostileAlert, notification } from './fixtures.js';
import { silentServer, streamListener, udpListener } from './listeners.js';
import { parseCef, parseSyslog } from './parse.js';

let pki: TestPki;
let serverCert: { cert: string; key: string };
let rogueCert: { cert: string; key: string };
const open: { close(): Promise<void> }[] = [];

beforeAll(() => {
  pki = createTestPki();
  const server = pki.issue('syslog', 'server');
  const rogue = pki.selfSigned('rogue');
  serverCert = { cert: server.certPem, key: server.keyPem };
  rogueCert = { cert: rogue.certPem, key: rogue.keyPem };
});
afterAll(() => pki.cleanup());
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

function channel(options: SyslogChannelOptions): AlertChannel {
  const made = syslogChannel({ hostname: 'bot-1', procId: '77', ...options });
  open.push({ close: () => made.close?.() ?? Promise.resolve() });
  return made;
}
async function tracked<T extends { close(): Promise<void> }>(listener: Promise<T>): Promise<T> {
  const made = await listener;
  open.push(made);
  return made;
}
async function deliveryFailure(promise: Promise<unknown>): Promise<AlertDeliveryError> {
  const error = await secbotRejection(promise);
  expect(error).toBeInstanceOf(AlertDeliveryError);
  return error as AlertDeliveryError;
}

const first = alert();
const expectedCef =
  `CEF:0|secbot|secbot|0.1.0|auth.brute-force.user|Brute force against one user|8|rt=${first.lastSeen} ` +
  `start=${first.firstSeen} end=${first.lastSeen} cnt=12 externalId=a1b2c3 src=203.0.113.7 suser=alice ` +
  'cs1Label=ruleId cs1=auth.brute-force.user cs2Label=fingerprint cs2=0123456789abcdef0123456789abcdef ' +
  'cs3Label=groupKey cs3=actor.id\\=alice cs4Label=mitre cs4=T1110.001 cs5Label=status cs5=firing ' +
  'msg=12 failed logins for alice from 203.0.113.7';
const expectedLine =
  '<83>1 2026-01-02T03:04:05.678Z bot-1 secbot 77 alert [secbot@32473 ruleId="auth.brute-force.user" ' +
  'severity="high" status="firing" fingerprint="0123456789abcdef0123456789abcdef" count="12" alertId="a1b2c3" ' +
  'notificationId="n-0001"][labels@32473 ruleId="auth.brute-force.user" severity="high" actor.id="alice" ' +
  `ip="203.0.113.7"] ${expectedCef}`;

describe('syslogChannel options', () => {
  it('refuses bad options with CONFIG_INVALID naming the path, never quoting a value', () => {
    const bad: [unknown, string][] = [
      [{ transport: 'smtp', host: 'h' }, 'transport'],
      [{ transport: 'udp', host: '' }, 'host'],
      [{ transport: 'udp', host: 'h', tls: {} }, 'tls'],
      [{ transport: 'tls', host: 'h', tls: { rejectUnauthorized: false } }, 'tls'],
      [{ transport: 'tls', host: 'h', tls: { key: 'SECRET-KEY-PEM' } }, 'tls.cert'],
      [{ transport: 'tls', host: 'h', tls: { minVersion: 'TLSv1' } }, 'tls.minVersion'],
      [{ transport: 'udp', host: 'h', maxMessageBytes: 100 }, 'maxMessageBytes'],
      [{ transport: 'udp', host: 'h', appName: 'sec bot' }, 'appName'],
      [{ transport: 'udp', host: 'h', facility: 'local9' }, 'facility'],
      [{ transport: 'udp', host: 'h', cef: { vendor: 'a\nb' } }, 'cef.vendor'],
      [{ transport: 'udp', host: 'h', port: 70000 }, 'port'],
      [{ transport: 'udp', host: 'h', extra: 1 }, ''],
    ];
    for (const [options, path] of bad) {
      try {
        syslogChannel(options as SyslogChannelOptions);
        expect.unreachable(JSON.stringify(options));
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toContain(path);
        expect((error as Error).message).not.toContain('SECRET-KEY-PEM');
      }
    }
  });
});

describe('syslogChannel over UDP', () => {
  it('sends one datagram per alert with the exact RFC 5424 + CEF text', async () => {
    const listener = await tracked(udpListener());
    const syslog = channel({ transport: 'udp', host: '127.0.0.1', port: listener.port });
    const resolved = alert({ id: 'r2', status: 'resolved', severity: 'critical' });
    await syslog.send(notification([first, resolved]), context());
    await expect.poll(() => listener.datagrams.length).toBe(2);
    expect(listener.datagrams[0]?.toString('utf8')).toBe(expectedLine);
    const second = parseSyslog(listener.datagrams[1]?.toString('utf8') ?? '');
    expect(second.pri).toBe(10 * 8 + 6); // resolved: informational
    expect(parseCef(second.msg ?? '').header[6]).toBe('0');
  });

  it('bounds a 100 KB summary to 2048 bytes and keeps the datagram parseable', async () => {
    const listener = await tracked(udpListener());
    const syslog = channel({ transport: 'udp', host: '127.0.0.1', port: listener.port });
    await syslog.send(notification([alert({ summary: `${'é\\='.repeat(34_000)}` })]), context());
    await expect.poll(() => listener.datagrams.length).toBe(1);
    const datagram = listener.datagrams[0] as Buffer;
    expect(datagram.length).toBeLessThanOrEqual(2048);
    expect(datagram.length).toBeGreaterThan(2000);
    const cef = parseCef(parseSyslog(datagram.toString('utf8')).msg ?? '');
    expect(cef.extension.at(-1)?.[0]).toBe('msg');
    expect(cef.extension.at(-1)?.[1]).toMatch(/^(é\\=)+(é\\?)?$/);
  });

  it('rejects with a retryable error once the receiver is gone (ICMP unreachable), and recovers', async () => {
    const listener = await udpListener();
    const syslog = channel({ transport: 'udp', host: '127.0.0.1', port: listener.port });
    await syslog.send(notification(), context());
    await listener.close();
    let failure: AlertDeliveryError | undefined;
    for (let i = 0; i < 20 && failure === undefined; i++) {
      failure = await syslog.send(notification(), context()).then(
        () => undefined,
        (error: AlertDeliveryError) => error,
      );
    }
    expect(failure).toBeInstanceOf(AlertDeliveryError);
    expect(failure?.retryable).toBe(true);
    expect(failure?.message).toContain('ECONNREFUSED');
    const back = await tracked(udpListener(listener.port));
    await syslog.send(notification(), context());
    await expect.poll(() => back.datagrams.length).toBe(1);
  });
});

describe('syslogChannel over TCP', () => {
  it('frames each message as LEN SP MSG over one reused connection', async () => {
    const listener = await tracked(streamListener());
    const syslog = channel({ transport: 'tcp', host: '127.0.0.1', port: listener.port });
    await syslog.send(notification([first, first]), context());
    await syslog.send(notification(), context());
    await listener.waitForFrames(3);
    expect(listener.frames.map((frame) => frame.toString('utf8'))).toEqual([
      expectedLine,
      expectedLine,
      expectedLine,
    ]);
    expect(listener.connections()).toBe(1);
  });

  it('escapes hostile values exactly: quotes, backslashes, ], |, =, line breaks, unicode, __proto__ labels', async () => {
    const listener = await tracked(streamListener());
    const syslog = channel({ transport: 'tcp', host: '127.0.0.1', port: listener.port });
    const hostile = hostileAlert();
    await syslog.send(notification([hostile]), context());
    await listener.waitForFrames(1);
    const text = listener.frames[0]?.toString('utf8') ?? '';
    expect(text).not.toMatch(/[\r\n]/);
    const parsed = parseSyslog(text);
    expect(parsed.sd[0]?.params[0]).toEqual(['ruleId', 'rule"]\\|= ']);
    expect(parsed.sd[1]).toEqual({
      id: 'labels@32473',
      params: [
        ['__proto__', 'polluted'],
        ['badkeyx', 'v"]'],
        ['constructor', 'c'],
        ['abc', '\\'],
      ],
    });
    expect(parsed.bom).toBe(false); // CEF MSG: no BOM, SIEMs match its first bytes
    const cef = parseCef(parsed.msg ?? '');
    expect(cef.header[4]).toBe('rule"]\\|= ');
    expect(cef.header[5]).toBe('Title | with \\ pipe  CEF:0|forged|header');
    expect(Object.fromEntries(cef.extension).msg).toBe(hostile.summary);
    expect(cef.extension.filter(([key]) => key === 'suser' || key === 'src')).toEqual([]);
  });

  it('writes one line of text with a BOM when message is text and not ASCII', async () => {
    const listener = await tracked(streamListener());
    const syslog = channel({
      transport: 'tcp',
      host: '127.0.0.1',
      port: listener.port,
      message: 'text',
      facility: 'local0',
    });
    await syslog.send(notification([alert({ summary: 'héllo\nworld' })]), context());
    await listener.waitForFrames(1);
    const parsed = parseSyslog(listener.frames[0]?.toString('utf8') ?? '');
    expect(parsed).toMatchObject({
      pri: 16 * 8 + 3,
      bom: true,
      msg: '[FIRING] HIGH Brute force against one user: héllo world',
    });
    expect(parsed.timestamp).toBe(new Date(createdAt).toISOString());
  });

  it('fails retryably while the receiver is gone, then reconnects once it is back', async () => {
    const listener = await tracked(streamListener());
    const syslog = channel({ transport: 'tcp', host: '127.0.0.1', port: listener.port });
    await syslog.send(notification(), context());
    await listener.waitForFrames(1);
    await listener.stop();
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the client see the FIN
    const error = await deliveryFailure(syslog.send(notification(), context()));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    await listener.restart();
    await syslog.send(notification(), context());
    await listener.waitForFrames(2);
    expect(listener.connections()).toBe(2);
  });

  it('rejects at once when the signal is already aborted, sending nothing', async () => {
    const listener = await tracked(streamListener());
    const syslog = channel({ transport: 'tcp', host: '127.0.0.1', port: listener.port });
    const error = await deliveryFailure(syslog.send(notification(), context(AbortSignal.abort())));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('aborted');
    expect(listener.frames).toEqual([]);
  });

  it('refuses to send after close, and close ends the connection', async () => {
    const listener = await tracked(streamListener());
    const syslog = syslogChannel({ transport: 'tcp', host: '127.0.0.1', port: listener.port });
    await syslog.send(notification(), context());
    expect(listener.openConnections()).toBe(1);
    await syslog.close?.();
    await expect.poll(() => listener.openConnections()).toBe(0);
    const error = await deliveryFailure(syslog.send(notification(), context()));
    expect(error.message).toBe('syslog: the channel is closed');
    expect(listener.frames).toHaveLength(1);
  });
});

describe('syslogChannel over TLS', () => {
  it('delivers to a server whose certificate chains to the given CA', async () => {
    const listener = await tracked(streamListener(serverCert));
    const syslog = channel({
      transport: 'tls',
      host: '127.0.0.1',
      port: listener.port,
      tls: { ca: pki.ca.certPem },
    });
    await syslog.send(notification(), context());
    await listener.waitForFrames(1);
    expect(listener.frames[0]?.toString('utf8')).toBe(expectedLine);
  });

  it('refuses an untrusted certificate, and one for another name: retryable, nothing sent', async () => {
    const rogue = await tracked(streamListener(rogueCert));
    const syslog = channel({
      transport: 'tls',
      host: '127.0.0.1',
      port: rogue.port,
      tls: { ca: pki.ca.certPem },
    });
    const error = await deliveryFailure(syslog.send(notification(), context()));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^syslog: the TLS connection failed \([A-Z_]+\)$/);
    expect(rogue.frames).toEqual([]);

    const listener = await tracked(streamListener(serverCert));
    const misnamed = channel({
      transport: 'tls',
      host: '127.0.0.1',
      port: listener.port,
      tls: { ca: pki.ca.certPem, servername: 'siem.example.com' },
    });
    expect((await deliveryFailure(misnamed.send(notification(), context()))).message).toContain(
      'ERR_TLS_CERT_ALTNAME_INVALID',
    );
    expect(listener.frames).toEqual([]);
  });

  it('a server that accepts and never answers the handshake: rejects on abort, and on its own timeout', async () => {
    const silent = await tracked(silentServer());
    const syslog = channel({
      transport: 'tls',
      host: '127.0.0.1',
      port: silent.port,
      tls: { ca: pki.ca.certPem },
    });
    const controller = new AbortController();
    const sending = syslog.send(notification(), context(controller.signal));
    setTimeout(() => controller.abort(new Error('attempt timed out')), 50);
    expect((await deliveryFailure(sending)).message).toContain('aborted');

    const bounded = channel({
      transport: 'tls',
      host: '127.0.0.1',
      port: silent.port,
      tls: { ca: pki.ca.certPem },
      timeoutMs: 100,
    });
    const started = performance.now();
    const error = await deliveryFailure(bounded.send(notification(), context()));
    expect(error.retryable).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);

    const closing = syslogChannel({
      transport: 'tls',
      host: '127.0.0.1',
      port: silent.port,
      tls: { ca: pki.ca.certPem },
    });
    const pending = closing.send(notification(), context());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closeStarted = performance.now();
    await closing.close?.(); // does not wait for the 10 s connect timeout
    expect(performance.now() - closeStarted).toBeLessThan(500);
    expect((await deliveryFailure(pending)).retryable).toBe(true);
  });
});
